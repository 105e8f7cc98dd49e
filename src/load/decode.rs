//! Bytes to text: UTF-8 (with or without BOM) and UTF-16 (with BOM, or without one when the
//! bytes show it), as Microsoft365DSC and Windows PowerShell write them. Anything else is reported
//! at the first bad byte.

/// The encoding a file was read in, so writers can put it back the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

/// A decoding failure: the text decoded so far (lossy, for rendering) and the offset of the
/// problem in it.
#[derive(Debug)]
pub struct DecodeError {
    pub text: String,
    pub offset: usize,
    pub message: String,
}

pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest).map(|text| (text, Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(|text| (text, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(|text| (text, Encoding::Utf16Be));
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let unit = match encoding {
            Encoding::Utf16Be => u16::from_be_bytes,
            _ => u16::from_le_bytes,
        };
        return utf16(bytes, unit).map(|text| (text, encoding));
    }
    utf8(bytes).map(|text| (text, Encoding::Utf8))
}

/// UTF-16 without a byte-order mark (PowerShell's `Out-File -Encoding Unicode` in some hosts,
/// editors set to "UTF-16 LE"): tenant and DSC files are mostly ASCII, so one byte of nearly
/// every pair is zero and the other is not. UTF-8 text never holds a NUL, so this cannot take a
/// UTF-8 file for UTF-16. Such a file gets its byte-order mark when `--fix` writes it.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let pairs = bytes.chunks_exact(2).take(4096);
    let (mut le, mut be, mut total) = (0usize, 0usize, 0usize);
    for pair in pairs {
        total += 1;
        match (pair[0], pair[1]) {
            (a, 0) if a != 0 => le += 1,
            (0, b) if b != 0 => be += 1,
            _ => {}
        }
    }
    // Nine pairs in ten: a few non-ASCII characters (names, accents) do not hide it.
    if le * 10 >= total * 9 {
        Some(Encoding::Utf16Le)
    } else if be * 10 >= total * 9 {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(err) => {
            let offset = err.valid_up_to();
            return Err(DecodeError {
                text: String::from_utf8_lossy(bytes).into_owned(),
                offset,
                message: format!(
                    "the file is not valid UTF-8: byte 0x{:02x} cannot start or continue a character",
                    bytes[offset]
                ),
            });
        }
    };
    reject_nul(text)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] => unit([*a, *b]),
        // An odd trailing byte cannot be UTF-16; it decodes to U+FFFD and is reported below.
        _ => 0xFFFD,
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => text.push(c),
            Err(_) => {
                let offset = text.len();
                return Err(DecodeError {
                    text,
                    offset,
                    message: "the file is UTF-16 but holds an unpaired surrogate".to_string(),
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let offset = text.len();
        return Err(DecodeError {
            text,
            offset,
            message: "the file starts with a UTF-16 byte-order mark but has an odd number of bytes"
                .to_string(),
        });
    }
    reject_nul(text)
}

fn reject_nul(text: String) -> Result<String, DecodeError> {
    match text.find('\0') {
        None => Ok(text),
        Some(offset) => Err(DecodeError {
            message: "the file holds a NUL byte: tenant files are text (a UTF-16 file needs its byte-order mark)"
                .to_string(),
            text,
            offset,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "a: 1\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(text, "a: 1\r\n");
        assert_eq!(encoding, Encoding::Utf16Le);
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let err = decode(b"ab\ncd\xffx").unwrap_err();
        assert_eq!(err.offset, 5);
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "tenant:\r\n  name: café\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le).unwrap(), (text.to_string(), Encoding::Utf16Le));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).unwrap(), (text.to_string(), Encoding::Utf16Be));
        // A NUL in UTF-8 text is still reported, not read as UTF-16.
        assert!(decode(b"tenant: a\0b").is_err());
    }

    #[test]
    fn nul_is_rejected() {
        assert_eq!(decode(b"a: \0").unwrap_err().offset, 3);
    }
}
