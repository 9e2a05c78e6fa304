//! A fork in the middle of a seeded stream: the parent and the child seal and draw the same
//! amounts after it, and nothing either of them got may repeat in the other.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use polyseal::Keyring;
use polyseal::native::{self, NativeOptions};

/// Tokens sealed at one fixed time: two are equal exactly when their nonces are.
const NOW: u64 = 1_750_000_000_000;
const SEALS: usize = 8;
const DRAW: usize = 32;

/// What one process produced after the fork, as one byte string per seal or draw.
fn outputs(keyring: &Keyring) -> Vec<Vec<u8>> {
    let options = NativeOptions::for_cookie("session");
    let value = serde_json::json!({ "user": 42 });
    let mut produced = Vec::new();
    for _ in 0..SEALS {
        let token = native::seal_at(&value, keyring, &options, NOW).expect("seal");
        produced.push(token.into_bytes());
        let draw: [u8; DRAW] = polyseal::rng::array().expect("draw");
        produced.push(draw.to_vec());
    }
    produced
}

fn encode(outputs: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for output in outputs {
        bytes.extend_from_slice(&(output.len() as u32).to_le_bytes());
        bytes.extend_from_slice(output);
    }
    bytes
}

fn decode(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut outputs = Vec::new();
    while let Some((length, rest)) = bytes.split_first_chunk::<4>() {
        let (output, rest) = rest.split_at(u32::from_le_bytes(*length) as usize);
        outputs.push(output.to_vec());
        bytes = rest;
    }
    outputs
}

/// Forks once this thread's generator is seeded and in use, then fails unless the child's
/// tokens and draws all differ from the parent's. With `generations` above 1 the child first
/// does the same itself, so a grandchild is checked against a child that had reseeded.
pub fn fork_continues_no_stream(generations: u32) {
    let keyring = Keyring::from_password("a password of at least thirty-two characters").unwrap();
    outputs(&keyring);
    let (mut parent_end, mut child_end) = UnixStream::pair().expect("socket pair");
    // SAFETY: this process runs only its main thread, so the child inherits no held lock.
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed: {}", std::io::Error::last_os_error()),
        0 => {
            drop(parent_end);
            let sent = std::panic::catch_unwind(|| {
                if generations > 1 {
                    fork_continues_no_stream(generations - 1);
                }
                encode(&outputs(&keyring))
            })
            .ok()
            .and_then(|bytes| child_end.write_all(&bytes).ok());
            // SAFETY: ends the child without running the parent's exit handlers twice.
            unsafe { libc::_exit(if sent.is_some() { 0 } else { 1 }) }
        }
        child => {
            drop(child_end);
            let ours = outputs(&keyring);
            let mut bytes = Vec::new();
            parent_end
                .read_to_end(&mut bytes)
                .expect("read the child's outputs");
            let mut status = 0;
            // SAFETY: waits for the child forked above.
            assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
            assert!(
                libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
                "child failed"
            );
            let theirs = decode(&bytes);
            assert_eq!(theirs.len(), ours.len(), "the child sent all its outputs");
            for output in &theirs {
                assert!(
                    !ours.contains(output),
                    "the child repeated its parent's output"
                );
            }
            println!(
                "fork (generation {generations} from the end): parent and child produced {} distinct outputs each",
                ours.len()
            );
        }
    }
}
