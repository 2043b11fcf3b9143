//! Syntax rules shared by the CLI's checks and the CRD's CEL rules, so that
//! what hgctl refuses before sending is what the API server would refuse.

/// `performer-` is prepended to a Performer's name to name its Service.
pub const SERVICE_PREFIX: &str = "performer-";
/// Longest Performer name whose Service name `performer-<name>` is a valid DNS-1035 label.
pub const MAX_PERFORMER_NAME: usize = 63 - SERVICE_PREFIX.len();
/// Longest executor name: its children are `<name>-config`, `<name>-keys`, `<name>-executor`.
pub const MAX_EXECUTOR_NAME: usize = 50;

/// Regex (RE2 and Rust-compatible) of an Ethereum address.
pub const ETH_ADDRESS_PATTERN: &str = "^0x[0-9a-fA-F]{40}$";
/// Regex of a DNS-1035 label: what a Service name must be.
pub const DNS1035_PATTERN: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
/// Regex of a DNS-1123 label.
pub const DNS1123_PATTERN: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// `0x` followed by exactly 40 hexadecimal digits.
pub fn is_eth_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A DNS-1123 label: lower-case alphanumerics and `-`, alphanumeric at both ends, <= 63.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// A label value: empty, or <= 63 of `[A-Za-z0-9_.-]` with alphanumerics at both ends.
pub fn is_label_value(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    s.len() <= 63
        && s.bytes()
            .all(|b| alnum(b) || b == b'-' || b == b'_' || b == b'.')
        && alnum(s.as_bytes()[0])
        && alnum(s.as_bytes()[s.len() - 1])
}

/// A qualified label key: optional DNS subdomain prefix and `/`, then a name part.
pub fn is_label_key(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let prefix_ok = prefix
        .is_none_or(|p| !p.is_empty() && p.len() <= 253 && p.split('.').all(is_dns1123_label));
    prefix_ok && !name.is_empty() && is_label_value(name)
}

/// A C identifier-ish environment variable name, as Kubernetes requires for `env[].name`.
pub fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.as_bytes()[0].is_ascii_digit()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eth_addresses() {
        assert!(is_eth_address("0x1234567890abcdef1234567890ABCDEF12345678"));
        assert!(!is_eth_address("0x1234567890abcdef..."));
        assert!(!is_eth_address(
            "1234567890abcdef1234567890abcdef12345678aa"
        ));
        assert!(!is_eth_address(
            "0x1234567890abcdef1234567890abcdef1234567g"
        ));
    }

    #[test]
    fn performer_names_leave_room_for_the_service_prefix() {
        assert_eq!(MAX_PERFORMER_NAME, 53);
        assert!(is_dns1035_label(&format!(
            "{SERVICE_PREFIX}{}",
            "a".repeat(53)
        )));
        assert!(!is_dns1035_label(&format!(
            "{SERVICE_PREFIX}{}",
            "a".repeat(54)
        )));
    }

    #[test]
    fn dns_labels() {
        assert!(is_dns1123_label("performer-1"));
        assert!(is_dns1123_label("1abc"));
        assert!(!is_dns1035_label("1abc"));
        assert!(!is_dns1123_label("Abc"));
        assert!(!is_dns1123_label("a.b"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label(""));
    }

    #[test]
    fn label_keys_and_values() {
        assert!(is_label_key("nvidia.com/gpu.product"));
        assert!(is_label_key("app"));
        assert!(!is_label_key("/app"));
        assert!(!is_label_key("nvidia.com/"));
        assert!(is_label_value("NVIDIA-A100-SXM4-40GB"));
        assert!(is_label_value(""));
        assert!(!is_label_value("-x"));
        assert!(!is_label_value(&"a".repeat(64)));
    }
}
