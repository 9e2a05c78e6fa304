//! A minimal browser cookie jar: applies `Set-Cookie` lines and renders the `Cookie` header the
//! browser would send next, so targets can check that what is written reads back.

/// Whether `name` is an RFC 6265 token (what a `Set-Cookie` name may be).
pub fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

/// Whether `value` is made of RFC 6265 cookie-octets and holds no `%`, so that the text on the
/// wire and the parsed value are the same.
pub fn is_plain_value(value: &str) -> bool {
    value.bytes().all(|b| {
        matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e) && b != b'%'
    })
}

/// Renders `name=value` pairs as a `Cookie` header.
pub fn render(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Cookies a browser holds for one site and path, as they travel on the wire.
#[derive(Clone, Debug, Default)]
pub struct Jar {
    pairs: Vec<(String, String)>,
}

impl Jar {
    /// A jar holding the parsed cookies that look the same on the wire as parsed (token names,
    /// plain values); the others are left out, since re-sending them could not be faithful.
    pub fn canonical(cookies: &[(String, String)]) -> Jar {
        Jar {
            pairs: cookies
                .iter()
                .filter(|(name, value)| is_token(name) && is_plain_value(value))
                .cloned()
                .collect(),
        }
    }

    /// Applies `Set-Cookie` lines in order: `Max-Age=0` deletes, anything else sets.
    pub fn apply(&mut self, lines: &[String]) {
        for line in lines {
            let mut parts = line.split(';');
            let pair = parts.next().unwrap_or_default();
            let (name, value) = pair.split_once('=').expect("a Set-Cookie line has a name");
            let delete = parts.any(|attribute| attribute.trim() == "Max-Age=0");
            let existing = self.pairs.iter().position(|(n, _)| n == name);
            match (delete, existing) {
                (true, Some(index)) => {
                    self.pairs.remove(index);
                }
                (true, None) => {}
                (false, Some(index)) => self.pairs[index].1 = value.to_owned(),
                (false, None) => self.pairs.push((name.to_owned(), value.to_owned())),
            }
        }
    }

    /// The `Cookie` header the browser sends next.
    pub fn header(&self) -> String {
        render(&self.pairs)
    }
}
