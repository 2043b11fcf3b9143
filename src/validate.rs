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

/// The CRD's CEL rule for an Ethereum address field (the same pattern as [`is_eth_address`]).
pub fn eth_address_rule(field: &str) -> kube::core::Rule {
    kube::core::Rule::new(format!("self.matches('{ETH_ADDRESS_PATTERN}')")).message(
        kube::core::Message::Message(format!(
            "{field} must be 0x followed by 40 hexadecimal digits"
        )),
    )
}

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

/// A DNS-1123 subdomain (Secret, ServiceAccount, PriorityClass, RuntimeClass names).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A key in a Secret or ConfigMap: `[-._a-zA-Z0-9]+`, at most 253 characters.
pub fn is_config_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// An http(s) or ws(s) URL with a host: what the CRD's `rpc` rule accepts, and a host.
pub fn is_rpc_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    matches!(scheme, "http" | "https" | "ws" | "wss")
        && !host.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// An image reference `[host[:port]/]path[:tag][@algo:hex]` as the distribution
/// reference grammar defines it (path components lower case).
pub fn is_image_reference(s: &str) -> bool {
    if s.is_empty() || s.len() > 512 || s.chars().any(|c| c.is_whitespace()) {
        return false;
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else {
            return false;
        };
        let algo_ok = !algo.is_empty()
            && algo
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
        if !algo_ok || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
    }
    // A tag is after the last ':' that follows the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && (tag.as_bytes()[0].is_ascii_alphanumeric() || tag.starts_with('_'))
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        if !ok {
            return false;
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        let is_host = first.contains('.') || first.contains(':') || first == "localhost";
        if is_host {
            let (host, port) = match first.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (first, None),
            };
            let host_ok = !host.is_empty()
                && host.split('.').all(|l| {
                    !l.is_empty()
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                });
            let port_ok =
                port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if !host_ok || !port_ok {
                return false;
            }
            parts.remove(0);
        }
    }
    !parts.is_empty() && parts.iter().all(|c| is_path_component(c))
}

/// `[a-z0-9]+(([._]|__|[-]*)[a-z0-9]+)*`
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    if !b
        .iter()
        .all(|&x| x.is_ascii_lowercase() || x.is_ascii_digit() || b"._-".contains(&x))
    {
        return false;
    }
    // Separators: one '.', one or two '_', or any run of '-'.
    let mut i = 0;
    while i < b.len() {
        if b"._-".contains(&b[i]) {
            let start = i;
            while i < b.len() && b"._-".contains(&b[i]) {
                i += 1;
            }
            let sep = &c[start..i];
            if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-')) {
                return false;
            }
        } else {
            i += 1;
        }
    }
    true
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

    #[test]
    fn image_references() {
        for ok in [
            "avs/performer:v1",
            "ghcr.io/layr-labs/hourglass/performer:v1.2.3",
            "localhost:5000/x",
            "registry.example.com:443/a/b_c__d-e:latest",
            "busybox",
            "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_image_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "Avs/Perf",
            "a b",
            "x:",
            "x:-tag",
            "x@sha256:zz",
            "/x",
            "x//y",
            "ghcr.io/",
            "a..b",
        ] {
            assert!(!is_image_reference(bad), "{bad}");
        }
    }

    #[test]
    fn urls_subdomains_and_keys() {
        assert!(is_rpc_url("https://eth.example.com/v1"));
        assert!(is_rpc_url("ws://10.0.0.1:8546"));
        assert!(!is_rpc_url("ftp://x"));
        assert!(!is_rpc_url("https://"));
        assert!(is_dns1123_subdomain("my.secret-1"));
        assert!(!is_dns1123_subdomain("My"));
        assert!(is_config_key("bls-keystore.json"));
        assert!(!is_config_key("a/b"));
    }
}
