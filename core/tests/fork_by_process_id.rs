//! Where no fork sentinel exists, core tells a forked child by its process id.

mod fork;

fn main() {
    polyseal::rng::check_forks_by_process_id();
    assert!(!polyseal::rng::fork_sentinel_in_use());
    fork::fork_continues_no_stream(2);
    assert!(!polyseal::rng::fork_sentinel_in_use());
}
