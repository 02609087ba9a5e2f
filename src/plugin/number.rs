//! Lossless cty numbers: exact integers, binary floats, and arbitrary decimals kept as their
//! decimal text, so a value Terraform sends comes back unchanged. Equality is numeric.

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Debug)]
enum Num {
    Int(i64),
    /// Only for values above `i64::MAX`.
    UInt(u64),
    /// Non-integral (or outside the i64 range, or non-finite) binary floats.
    Float(f64),
    /// Decimal text that is not an i64/u64 integer, stored as JSON-number text.
    Decimal(String),
}

/// A lossless cty number: exact integers, binary floats, and arbitrary decimals
/// (kept as their decimal text). Equality is numeric.
#[derive(Clone, Debug)]
pub struct Number(Num);

impl Number {
    /// Parses decimal number text (`-12`, `1.5`, `1e400`, `+3`, `.5`). Integers that
    /// fit i64/u64 become exact integers; anything else keeps its (normalised) text.
    pub fn parse(text: &str) -> Option<Number> {
        let normal = normalize_decimal(text)?;
        if let Ok(i) = normal.parse::<i64>() {
            return Some(Number(Num::Int(i)));
        }
        if let Ok(u) = normal.parse::<u64>() {
            return Some(Number::from(u));
        }
        // Integral values written with a fraction or exponent ("5.0", "1e3").
        if let Some(int) = decimal_integer_text(&normal) {
            if let Ok(i) = int.parse::<i64>() {
                return Some(Number(Num::Int(i)));
            }
            if let Ok(u) = int.parse::<u64>() {
                return Some(Number(Num::UInt(u)));
            }
        }
        Some(Number(Num::Decimal(normal)))
    }

    /// The nearest f64 (big decimals may lose precision).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Num::Int(i) => *i as f64,
            Num::UInt(u) => *u as f64,
            Num::Float(f) => *f,
            Num::Decimal(s) => s.parse::<f64>().unwrap_or(f64::NAN),
        }
    }

    /// The exact value as i64, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Num::Int(i) => Some(*i),
            Num::UInt(u) => i64::try_from(*u).ok(),
            Num::Float(_) => None,
            Num::Decimal(s) => decimal_integer_text(s)?.parse::<i64>().ok(),
        }
    }

    /// The exact value as u64, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            Num::Int(i) => u64::try_from(*i).ok(),
            Num::UInt(u) => Some(*u),
            Num::Float(_) => None,
            Num::Decimal(s) => decimal_integer_text(s)?.parse::<u64>().ok(),
        }
    }

    /// True for NaN (never produced by decoding; only via `From<f64>`).
    pub fn is_nan(&self) -> bool {
        matches!(self.0, Num::Float(f) if f.is_nan())
    }

    /// True for ±infinity.
    pub fn is_infinite(&self) -> bool {
        matches!(self.0, Num::Float(f) if f.is_infinite())
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self.0 {
            Num::Int(i) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn as_uint(&self) -> Option<u64> {
        match self.0 {
            Num::UInt(u) => Some(u),
            _ => None,
        }
    }

    pub(crate) fn as_float(&self) -> Option<f64> {
        match self.0 {
            Num::Float(f) => Some(f),
            _ => None,
        }
    }

    pub(crate) fn as_decimal_text(&self) -> Option<&str> {
        match &self.0 {
            Num::Decimal(s) => Some(s),
            _ => None,
        }
    }

    /// (negative, significant digits without leading/trailing zeros, exponent) such
    /// that value = ±0.digits × 10^exp; zero is (false, "", 0). None for non-finite.
    fn canonical(&self) -> Option<(bool, String, i64)> {
        let text = match &self.0 {
            Num::Float(f) if !f.is_finite() => return None,
            Num::Float(f) => format!("{f:e}"),
            other => Number(other.clone()).to_string(),
        };
        canonical_decimal(&text)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number(Num::Int(i))
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Self {
        Number(Num::Int(i64::from(i)))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        match i64::try_from(u) {
            Ok(i) => Number(Num::Int(i)),
            Err(_) => Number(Num::UInt(u)),
        }
    }
}

impl From<f64> for Number {
    /// Integral floats within the i64 range become exact integers.
    fn from(f: f64) -> Self {
        // -2^63 <= f < 2^63 is exactly the range where `as i64` is lossless.
        if f.is_finite()
            && f.fract() == 0.0
            && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        {
            return Number(Num::Int(f as i64));
        }
        Number(Num::Float(f))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Num::Int(i) => write!(f, "{i}"),
            Num::UInt(u) => write!(f, "{u}"),
            Num::Float(x) if x.is_nan() => f.write_str("NaN"),
            Num::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "+Inf" } else { "-Inf" }),
            Num::Float(x) => write!(f, "{x}"),
            Num::Decimal(s) => f.write_str(s),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Num::Int(a), Num::Int(b)) => a == b,
            (Num::UInt(a), Num::UInt(b)) => a == b,
            (Num::Float(a), Num::Float(b)) => a == b,
            (Num::Float(a), _) | (_, Num::Float(a)) if !a.is_finite() => false,
            _ => match (self.canonical(), other.canonical()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        if self == other {
            return Some(Ordering::Equal);
        }
        self.as_f64().partial_cmp(&other.as_f64())
    }
}

/// Validates number text and rewrites it as JSON-number text: optional `-`, no
/// leading `+`, no redundant leading zeros, digits on both sides of a `.`.
fn normalize_decimal(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut out = String::with_capacity(text.len() + 2);
    if let Some(&c) = b.first() {
        if c == b'-' || c == b'+' {
            if c == b'-' {
                out.push('-');
            }
            i = 1;
        }
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = &text[int_start..i];
    let mut frac_digits = "";
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = &text[s..i];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return None;
    }
    let trimmed = int_digits.trim_start_matches('0');
    out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
    if !frac_digits.is_empty() {
        out.push('.');
        out.push_str(frac_digits);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        out.push('e');
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            if b[i] == b'-' {
                out.push('-');
            }
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let exp = &text[s..i];
        if exp.is_empty() {
            return None;
        }
        // Keep exponents sane so canonical comparison cannot overflow.
        if exp.trim_start_matches('0').len() > 9 {
            return None;
        }
        out.push_str(exp);
    }
    if i != b.len() {
        return None;
    }
    if out == "-0" {
        out = "0".to_string();
    }
    Some(out)
}

/// See [`Number::canonical`]; `text` must be normalised decimal or `{:e}` output.
fn canonical_decimal(text: &str) -> Option<(bool, String, i64)> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(p) => (&rest[..p], rest[p + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(p) => (&mantissa[..p], &mantissa[p + 1..]),
        None => (mantissa, ""),
    };
    let mut digits: String = int_part.chars().chain(frac_part.chars()).collect();
    let point = i64::try_from(int_part.len()).ok()?;
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits = digits.trim_matches('0').to_string();
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    let lead = i64::try_from(lead).ok()?;
    Some((neg, digits, point - lead + exp))
}

/// For decimal text with an integral value, its plain integer text.
fn decimal_integer_text(text: &str) -> Option<String> {
    let (neg, digits, exp) = canonical_decimal(text)?;
    if digits.is_empty() {
        return Some("0".to_string());
    }
    let len = i64::try_from(digits.len()).ok()?;
    if exp < len || exp > 40 {
        return None;
    }
    let zeros = usize::try_from(exp - len).ok()?;
    let mut s = String::with_capacity(digits.len() + zeros + 1);
    if neg {
        s.push('-');
    }
    s.push_str(&digits);
    s.extend(std::iter::repeat_n('0', zeros));
    Some(s)
}
