//! Without a sentinel, core tells a forked child by its process id.

mod support;

fn main() {
    assert!(!polyseal::rng::fork_sentinel_installed());
    support::fork_continues_no_stream(2);
    assert!(!polyseal::rng::fork_sentinel_installed());
}
