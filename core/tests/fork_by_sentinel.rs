//! On Linux, core tells a forked child by the word the kernel wipes on fork, without being asked.

mod fork;

fn main() {
    assert!(
        polyseal::rng::fork_sentinel_in_use(),
        "this kernel wipes memory on fork"
    );
    // A child, and a grandchild forked by a child that had marked the sentinel again.
    fork::fork_continues_no_stream(2);
}
