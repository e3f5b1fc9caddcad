//! Azure Resource Manager resource ids and types: the one piece of Azure syntax the
//! catalogue needs, as `arn.rs` is AWS's.

/// The resource type of an ARM resource id, lower-cased:
/// `/subscriptions/S/resourceGroups/G/providers/Microsoft.Sql/servers/a/databases/b` is
/// `microsoft.sql/servers/databases`. An extension resource (`…/providers/X/…/providers/
/// Microsoft.Insights/diagnosticSettings/d`) is the type after its last `providers`.
pub fn resource_type_of_id(text: &str) -> Option<String> {
    let lower = text.trim().trim_end_matches('/').to_ascii_lowercase();
    if !(lower.starts_with("/subscriptions/") || lower.starts_with("/providers/")) {
        return None;
    }
    let (_, tail) = lower.rsplit_once("/providers/")?;
    let mut parts = tail.split('/');
    let namespace = parts.next().filter(|ns| is_namespace(ns))?;
    // What follows alternates type, name, type, name, ...
    let types: Vec<&str> = parts.step_by(2).collect();
    if types.is_empty() || types.iter().any(|t| t.is_empty()) {
        return None;
    }
    Some(format!("{namespace}/{}", types.join("/")))
}

/// Whether a value is written as an ARM resource type (`Microsoft.Compute/virtualMachines`)
/// or a namespace (`Microsoft.Sql/`): a dotted namespace, a slash, and no spaces.
pub fn is_resource_type(text: &str) -> bool {
    let Some((namespace, rest)) = text.split_once('/') else {
        return false;
    };
    is_namespace(&namespace.to_ascii_lowercase())
        && rest.split('/').all(|t| {
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// `microsoft.compute`, `microsoft.dbforpostgresql`: a publisher, a dot, a namespace.
fn is_namespace(ns: &str) -> bool {
    let Some((publisher, name)) = ns.split_once('.') else {
        return false;
    };
    !publisher.is_empty()
        && !name.is_empty()
        && ns
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
}

/// The type and its parents, most specific first: `microsoft.sql/servers/databases`,
/// then `microsoft.sql/servers`.
pub fn with_parents(lower: &str) -> impl Iterator<Item = &str> {
    let slashes = lower.matches('/').count();
    (0..slashes).map(move |drop| {
        let mut end = lower.len();
        for _ in 0..drop {
            end = lower[..end].rfind('/').unwrap_or(end);
        }
        &lower[..end]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_give_their_type_and_child_types() {
        assert_eq!(
            resource_type_of_id("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Sql/servers/s1/databases/db").as_deref(),
            Some("microsoft.sql/servers/databases")
        );
        assert_eq!(
            resource_type_of_id("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/").as_deref(),
            Some("microsoft.compute/virtualmachines")
        );
        assert_eq!(
            resource_type_of_id("/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Insights/diagnosticSettings/d").as_deref(),
            Some("microsoft.insights/diagnosticsettings")
        );
        assert_eq!(
            resource_type_of_id("/subscriptions/0/resourceGroups/rg"),
            None
        );
        assert_eq!(
            resource_type_of_id("Microsoft.Compute/virtualMachines"),
            None
        );
        assert_eq!(
            resource_type_of_id("/subscriptions/0/providers/nodot/x/y"),
            None
        );
    }

    #[test]
    fn types_are_told_from_names() {
        assert!(is_resource_type("Microsoft.Compute/virtualMachines"));
        assert!(is_resource_type("microsoft.sql/"));
        assert!(!is_resource_type("Import/Export"));
        assert!(!is_resource_type("Azure Import/Export"));
        assert!(!is_resource_type("AWS::EC2::Volume"));
        let parents: Vec<&str> = with_parents("microsoft.sql/servers/databases").collect();
        assert_eq!(
            parents,
            ["microsoft.sql/servers/databases", "microsoft.sql/servers"]
        );
    }
}
