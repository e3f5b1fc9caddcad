//! Names in exports that are not plain service names: ARNs, and the patterns of
//! billing lines that are not services.

/// The parts of an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, in an AWS
/// partition (`aws`, `aws-cn`, `aws-us-gov`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let head = text.get(..4)?;
        if !head.eq_ignore_ascii_case("arn:") {
            return None;
        }
        let mut parts = text[4..].splitn(5, ':');
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        let partition_ok = arn.partition == "aws" || arn.partition.starts_with("aws-");
        let service_ok = !arn.service.is_empty()
            && arn
                .service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        (partition_ok && service_ok).then_some(arn)
    }
}

/// Whether a normalised value matches a not-service pattern: `*` any run, `#` one ASCII
/// letter or digit; a pattern with `#` also needs a digit in the value (a Marketplace
/// product code mixes both, so a plain word is never taken for one).
pub fn pattern_matches(pattern: &str, value: &str) -> bool {
    if pattern.contains('#') && !value.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    // Iterative wildcard matching, backtracking to the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < v.len() {
        let one = |c: char, x: char| {
            c == x || (c == '#' && (x.is_ascii_lowercase() || x.is_ascii_digit()))
        };
        if i < p.len() && p[i] != '*' && one(p[i], v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}
