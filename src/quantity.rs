//! Kubernetes resource quantities (`500m`, `1.5`, `64Mi`, `1e3`): syntax check and
//! conversion to milli-units, so the scaffolder can refuse `--cpu 2 cores` and the
//! scheduling check can compare requests with what a node has left.

/// Parses a quantity into milli-units (`1` -> 1000, `500m` -> 500, `1Ki` -> 1_024_000),
/// rounding fractions of a milli-unit up as the API server does. `None` when the
/// text is not a quantity or is negative.
pub fn parse_milli(text: &str) -> Option<i128> {
    let s = text.trim();
    if s.is_empty() || s != text {
        return None;
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.starts_with('-') {
        return None;
    }
    let number_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(number_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    // Mantissa as an integer with `frac_digits` implied decimals.
    let digits = format!("{int_part}{frac_part}");
    if digits.len() > 30 {
        return None;
    }
    let mantissa: i128 = digits.parse().ok()?;
    let frac_digits = frac_part.len() as i32;
    // value = mantissa * 10^-frac_digits * multiplier, in milli-units (* 1000).
    let (binary, decimal_exp): (i128, i32) = match suffix {
        "" => (1, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        exp if exp.starts_with(['e', 'E']) => {
            let e = &exp[1..];
            let e = e.strip_prefix('+').unwrap_or(e);
            if e.is_empty()
                || !e
                    .trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            {
                return None;
            }
            (1, e.parse::<i32>().ok().filter(|e| e.abs() <= 30)?)
        }
        _ => return None,
    };
    let exp = decimal_exp + 3 - frac_digits;
    let scaled = mantissa.checked_mul(binary)?;
    if exp >= 0 {
        scaled.checked_mul(10i128.checked_pow(exp as u32)?)
    } else {
        let div = 10i128.checked_pow((-exp) as u32)?;
        Some((scaled + div - 1) / div)
    }
}

/// True when `text` is a valid, non-negative quantity.
pub fn is_quantity(text: &str) -> bool {
    parse_milli(text).is_some()
}

/// Milli-units as a short human string: `2`, `500m`, `1.5Gi` style is not needed for
/// messages; plain numbers for whole units, `Nm` otherwise.
pub fn format_milli(milli: i128) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_binary_and_exponent_forms() {
        assert_eq!(parse_milli("1"), Some(1000));
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("1.5"), Some(1500));
        assert_eq!(parse_milli(".5"), Some(500));
        assert_eq!(parse_milli("64Mi"), Some(64 * 1024 * 1024 * 1000));
        assert_eq!(parse_milli("1k"), Some(1_000_000));
        assert_eq!(parse_milli("1e3"), Some(1_000_000));
        assert_eq!(parse_milli("1E-3"), Some(1));
        assert_eq!(parse_milli("1n"), Some(1), "fractions round up");
        assert_eq!(parse_milli("+2"), Some(2000));
    }

    #[test]
    fn rejects_what_the_api_server_rejects() {
        for bad in [
            "", " 1", "1 ", "-1", "2 cores", "1.2.3", "1Gb", "Gi", ".", "1e", "1ee3", "0x10", "1K",
        ] {
            assert_eq!(parse_milli(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_whole_and_milli_units() {
        assert_eq!(format_milli(2000), "2");
        assert_eq!(format_milli(500), "500m");
    }
}
