//! A `.tar.gz` of text files, written without a compression library: ustar entries in a
//! gzip member of stored (uncompressed) deflate blocks. `tar -xzf` and every gzip reader
//! open it; support bundles are small, so not compressing costs nothing that matters.

/// One file of the archive.
pub struct Entry {
    pub path: String,
    pub data: Vec<u8>,
}

/// The bytes of a `.tar.gz` holding `entries` (mode 0644, `mtime` seconds since the epoch).
pub fn tar_gz(entries: &[Entry], mtime: u64) -> Vec<u8> {
    gzip(&tar(entries, mtime))
}

fn octal(field: &mut [u8], value: u64) {
    // Width - 1 digits, then NUL.
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&text.as_bytes()[text.len() - digits..]);
    field[digits] = 0;
}

fn tar(entries: &[Entry], mtime: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut header = [0u8; 512];
        let name = e.path.as_bytes();
        let (prefix, name) = if name.len() > 100 {
            // ustar: split at a '/' so that the name part fits in 100 bytes.
            let split = e.path[..e.path.len().min(155)]
                .rfind('/')
                .filter(|&i| name.len() - i - 1 <= 100)
                .unwrap_or(0);
            (&name[..split], &name[split + 1..])
        } else {
            (&name[..0], name)
        };
        header[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
        octal(&mut header[100..108], 0o644);
        octal(&mut header[108..116], 0);
        octal(&mut header[116..124], 0);
        octal(&mut header[124..136], e.data.len() as u64);
        octal(&mut header[136..148], mtime);
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[345..345 + prefix.len().min(155)].copy_from_slice(&prefix[..prefix.len().min(155)]);
        header[148..156].copy_from_slice(b"        ");
        let sum: u64 = header.iter().map(|&b| u64::from(b)).sum();
        let text = format!("{sum:06o}\0 ");
        header[148..156].copy_from_slice(text.as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&e.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut chunks = data.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn tar_extracts_what_went_in() {
        let dir = tempfile::tempdir().unwrap();
        let big = vec![b'x'; 70_000];
        let long = format!("{}/file.txt", "d".repeat(110));
        let archive = tar_gz(
            &[
                Entry {
                    path: "bundle/a.txt".into(),
                    data: b"hello\n".to_vec(),
                },
                Entry {
                    path: "bundle/big.txt".into(),
                    data: big.clone(),
                },
                Entry {
                    path: long.clone(),
                    data: b"deep\n".to_vec(),
                },
            ],
            1_700_000_000,
        );
        let file = dir.path().join("b.tar.gz");
        std::fs::write(&file, archive).unwrap();
        let status = std::process::Command::new("tar")
            .arg("-xzf")
            .arg(&file)
            .arg("-C")
            .arg(dir.path())
            .status()
            .expect("tar");
        assert!(status.success());
        assert_eq!(
            std::fs::read(dir.path().join("bundle/a.txt")).unwrap(),
            b"hello\n"
        );
        assert_eq!(
            std::fs::read(dir.path().join("bundle/big.txt")).unwrap(),
            big
        );
        assert_eq!(std::fs::read(dir.path().join(long)).unwrap(), b"deep\n");
    }
}
