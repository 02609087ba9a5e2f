//! A bounds-checked msgpack token reader over a byte slice: every length is checked against
//! the bytes that remain, so hostile input cannot make it over-read or over-allocate.

use super::MAX_DEPTH;

/// One msgpack item header; str/bin/ext carry their payload.
#[derive(Debug)]
pub(super) enum Tok<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    Ext(i8, &'a [u8]),
}

impl Tok<'_> {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Tok::Nil => "nil",
            Tok::Bool(_) => "bool",
            Tok::Int(_) | Tok::UInt(_) => "integer",
            Tok::Float(_) => "float",
            Tok::Str(_) => "string",
            Tok::Bin(_) => "binary",
            Tok::Array(_) => "array",
            Tok::Map(_) => "map",
            Tok::Ext(..) => "extension",
        }
    }
}

pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(super) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| format!("unexpected end of input at byte {}", self.pos))?;
        let s = self.buf.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(s)
    }

    pub(super) fn fixed<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub(super) fn len_u8(&mut self) -> Result<usize, String> {
        Ok(usize::from(self.fixed::<1>()?[0]))
    }

    pub(super) fn len_u16(&mut self) -> Result<usize, String> {
        Ok(usize::from(u16::from_be_bytes(self.fixed()?)))
    }

    pub(super) fn len_u32(&mut self) -> Result<usize, String> {
        usize::try_from(u32::from_be_bytes(self.fixed()?))
            .map_err(|_| "length too large".to_string())
    }

    pub(super) fn ext(&mut self, len: usize) -> Result<Tok<'a>, String> {
        let code = i8::from_be_bytes(self.fixed()?);
        Ok(Tok::Ext(code, self.take(len)?))
    }

    /// Reads the next item header (and the payload of str/bin/ext).
    pub(super) fn next(&mut self) -> Result<Tok<'a>, String> {
        let at = self.pos;
        let m = self.fixed::<1>()?[0];
        Ok(match m {
            0x00..=0x7f => Tok::Int(i64::from(m)),
            0x80..=0x8f => Tok::Map(usize::from(m & 0x0f)),
            0x90..=0x9f => Tok::Array(usize::from(m & 0x0f)),
            0xa0..=0xbf => Tok::Str(self.take(usize::from(m & 0x1f))?),
            0xc0 => Tok::Nil,
            0xc2 => Tok::Bool(false),
            0xc3 => Tok::Bool(true),
            0xc4 => {
                let n = self.len_u8()?;
                Tok::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.len_u16()?;
                Tok::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len_u32()?;
                Tok::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = self.len_u8()?;
                self.ext(n)?
            }
            0xc8 => {
                let n = self.len_u16()?;
                self.ext(n)?
            }
            0xc9 => {
                let n = self.len_u32()?;
                self.ext(n)?
            }
            0xca => Tok::Float(f64::from(f32::from_be_bytes(self.fixed()?))),
            0xcb => Tok::Float(f64::from_be_bytes(self.fixed()?)),
            0xcc => Tok::Int(i64::from(u8::from_be_bytes(self.fixed()?))),
            0xcd => Tok::Int(i64::from(u16::from_be_bytes(self.fixed()?))),
            0xce => Tok::Int(i64::from(u32::from_be_bytes(self.fixed()?))),
            0xcf => Tok::UInt(u64::from_be_bytes(self.fixed()?)),
            0xd0 => Tok::Int(i64::from(i8::from_be_bytes(self.fixed()?))),
            0xd1 => Tok::Int(i64::from(i16::from_be_bytes(self.fixed()?))),
            0xd2 => Tok::Int(i64::from(i32::from_be_bytes(self.fixed()?))),
            0xd3 => Tok::Int(i64::from_be_bytes(self.fixed()?)),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => {
                let n = self.len_u8()?;
                Tok::Str(self.take(n)?)
            }
            0xda => {
                let n = self.len_u16()?;
                Tok::Str(self.take(n)?)
            }
            0xdb => {
                let n = self.len_u32()?;
                Tok::Str(self.take(n)?)
            }
            0xdc => Tok::Array(self.len_u16()?),
            0xdd => Tok::Array(self.len_u32()?),
            0xde => Tok::Map(self.len_u16()?),
            0xdf => Tok::Map(self.len_u32()?),
            0xe0..=0xff => Tok::Int(i64::from(i8::from_be_bytes([m]))),
            0xc1 => return Err(format!("reserved marker 0xc1 at byte {at}")),
        })
    }

    /// Skips one whole item (used for unrecognised refinement entries).
    pub(super) fn skip(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("nesting too deep".to_string());
        }
        match self.next()? {
            Tok::Array(n) => (0..n).try_for_each(|_| self.skip(depth + 1)),
            Tok::Map(n) => (0..n).try_for_each(|_| {
                self.skip(depth + 1)?;
                self.skip(depth + 1)
            }),
            _ => Ok(()),
        }
    }
}
