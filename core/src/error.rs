//! The one error table of polyseal.
//!
//! Every rejection carries an [`ErrorCode`] with a stable number and a stable name. The C status
//! codes, the Python exception `.code` and the Node `err.code` are all mapped from this table, so
//! the same bad input gives the same code in every language. `docs/ERRORS.md` documents it; a
//! test keeps the two in step. Numbers and names are never reused or renumbered.

use std::borrow::Cow;
use std::fmt;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $number:literal, $name:literal;)+) => {
        /// Why an operation failed. The number and the name are stable across releases.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant = $number,)+
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The stable number (never 0, which the C ABI reserves for success).
            pub const fn number(self) -> i32 {
                self as i32
            }

            /// The stable upper-case name, e.g. `"EXPIRED"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                }
            }

            /// Looks a code up by its stable number.
            pub fn from_number(number: i32) -> Option<ErrorCode> {
                Self::ALL.iter().copied().find(|code| code.number() == number)
            }
        }
    };
}

error_codes! {
    /// The token or header is not well formed: wrong shape, bad base64url, too short, bad field.
    Malformed = 1, "MALFORMED";
    /// The token names a format version (or Fe26 prefix) this library does not read.
    UnsupportedVersion = 2, "UNSUPPORTED_VERSION";
    /// The token names a key id the keyring does not hold.
    UnknownKey = 3, "UNKNOWN_KEY";
    /// Authentication failed: tampered token, wrong key, wrong cookie name or context.
    BadSeal = 4, "BAD_SEAL";
    /// The token was authentic but its expiry has passed.
    Expired = 5, "EXPIRED";
    /// The token was issued further in the future than the allowed clock skew.
    NotYetValid = 6, "NOT_YET_VALID";
    /// An input or output exceeds a size limit (token, payload, cookie, header).
    TooLarge = 7, "TOO_LARGE";
    /// The payload is not valid UTF-8 JSON, or exceeds the nesting limit.
    InvalidJson = 8, "INVALID_JSON";
    /// A password or key is empty, too short, the wrong size, or its id is invalid or repeated.
    InvalidPassword = 9, "INVALID_PASSWORD";
    /// An option is out of range or unknown (ttl, profile name, iterations, ...).
    InvalidOption = 10, "INVALID_OPTION";
    /// A cookie name, value or attribute breaks RFC 6265 or a cookie prefix rule.
    InvalidCookie = 11, "INVALID_COOKIE";
    /// The session was cleared in this request and can no longer be saved or updated.
    SessionCleared = 12, "SESSION_CLEARED";
    /// A caller passed an unusable argument (null pointer, non-UTF-8 text, wrong type).
    InvalidArgument = 13, "INVALID_ARGUMENT";
    /// An internal failure: the randomness source failed, or a bug was caught at the boundary.
    Internal = 14, "INTERNAL";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error: a stable [`ErrorCode`] plus a human-readable message.
///
/// Messages never contain secrets or token bytes; they may name lengths, limits, key ids and
/// option names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: Cow<'static, str>,
}

impl Error {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message (without the code name).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {}

/// The result type of every fallible polyseal operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand used throughout the crate: `Err(fail(ErrorCode::Malformed, "..."))`.
pub(crate) fn fail(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_nonzero_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_ne!(code.number(), 0);
            assert!(
                seen.insert(code.number()),
                "duplicate number {}",
                code.number()
            );
            assert_eq!(ErrorCode::from_number(code.number()), Some(*code));
        }
        assert_eq!(ErrorCode::from_number(0), None);
    }

    #[test]
    fn names_are_upper_snake_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let name = code.name();
            assert!(
                name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{name}"
            );
            assert!(seen.insert(name));
        }
    }

    #[test]
    fn errors_md_documents_every_code() {
        let doc = include_str!("../../docs/ERRORS.md");
        for code in ErrorCode::ALL {
            let row = format!("| {} | `{}` |", code.number(), code.name());
            assert!(doc.contains(&row), "docs/ERRORS.md lacks the row `{row}`");
        }
    }

    #[test]
    fn display_shows_name_and_message() {
        let error = Error::new(ErrorCode::Expired, "token expired 5 s ago");
        assert_eq!(error.to_string(), "EXPIRED: token expired 5 s ago");
    }
}
