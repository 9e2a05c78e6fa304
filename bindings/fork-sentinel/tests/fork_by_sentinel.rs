//! With the sentinel installed, core tells a forked child by the wiped word, before and after
//! a generator was seeded under the process id.

mod support;

fn main() {
    // A generator seeded before the sentinel arrives must still notice the fork.
    polyseal::rng::array::<8>().expect("draw");
    assert!(
        polyseal_fork_sentinel::install(),
        "this kernel wipes memory on fork"
    );
    assert!(polyseal::rng::fork_sentinel_installed());
    assert!(
        polyseal_fork_sentinel::install(),
        "a second install reports the first"
    );
    // A child, and a grandchild forked by a child that had marked the sentinel again.
    support::fork_continues_no_stream(2);
}
