//! The header line: the delimiter, and which column plays which role.

use super::*;

/// Headers that name the service column, in order of preference (normalised).
pub(super) const SERVICE_HEADERS: &[&str] = &[
    "service",
    "servicename",
    // Azure cost details: the meter category names the service; `Product` there is a
    // meter's full name ("Virtual Machines BS Series - B1s - UK South").
    "metercategory",
    "product",
    "productname",
    "productproductname",
    "lineitemproductcode",
    "resourcetype",
    // Azure Resource Graph (`microsoft.compute/virtualmachines`) and the portal's "All
    // resources" export ("Virtual machine").
    "type",
    // A list of resources: each ARN names its service. Used when no header above names
    // the service (AWS Config's resourceType wins over its resourceARN).
    "resourcearn",
    "arn",
];

/// FOCUS 1.3 names the provider of the service (`ServiceProviderName`) apart from the
/// provider whose platform hosts it (`HostProviderName`); 1.0–1.2 have `ProviderName`.
pub(super) const PROVIDER_HEADERS: &[&str] = &[
    "provider",
    "cloud",
    "cloudprovider",
    "serviceprovidername",
    "providername",
];
pub(super) const HOST_PROVIDER_HEADERS: &[&str] = &["hostprovidername"];
pub(super) const VARIANT_HEADERS: &[&str] = &["variant", "launchtype"];
pub(super) const ACCOUNT_HEADERS: &[&str] = &[
    "account",
    "accountid",
    "awsaccountid",
    "lineitemusageaccountid",
    // FOCUS: the account that used the resource; Prowler's findings.
    "subaccountid",
    "accountuid",
    "subscription",
    "subscriptionid",
    "subscriptionguid",
    "project",
    "projectid",
];
pub(super) const ENVIRONMENT_HEADERS: &[&str] = &["environment", "env", "stage"];
pub(super) const REGION_HEADERS: &[&str] = &[
    "region",
    "awsregion",
    "productregion",
    "productregioncode",
    // FOCUS.
    "regionid",
    "location",
    // Azure cost details.
    "resourcelocation",
];
pub(super) const OWNER_HEADERS: &[&str] = &["owner", "serviceowner", "team", "ownerteam"];
pub(super) const CLASSIFICATION_HEADERS: &[&str] = &["dataclassification", "classification"];
/// Columns that say what kind of billing line a row is: a `Tax` or `Credit` line is not
/// a service, whatever service it names (CUR `lineItem/LineItemType`, CUR 2.0
/// `line_item_line_item_type`, FOCUS `ChargeCategory`).
pub(super) const LINE_ITEM_TYPE_HEADERS: &[&str] =
    &["lineitemlineitemtype", "chargecategory", "chargetype"];
pub(super) const RATIONALE_HEADERS: &[&str] = &["rationale", "justification", "overriderationale"];
/// Billing columns that can show how a service runs (see the catalogue's `infer` rules).
pub(super) const OPERATION_HEADERS: &[&str] = &["lineitemoperation", "operation"];
pub(super) const USAGE_TYPE_HEADERS: &[&str] = &["lineitemusagetype", "usagetype"];

/// The delimiter among `,` `;` and tab that occurs most often, outside quotes, on the
/// header line; `,` when none does.
pub(super) fn detect_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    // Bytes, not characters: none of these is part of a multi-byte character.
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

pub(super) fn find_columns(
    headers: &[String],
    options: &ReadOptions,
    catalogue: &Catalogue,
) -> Result<Columns, String> {
    let norm: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let first = |names: &[&str]| names.iter().find_map(|n| norm.iter().position(|h| h == n));
    let mut columns = Columns {
        provider: first(PROVIDER_HEADERS),
        host_provider: first(HOST_PROVIDER_HEADERS),
        variant: first(VARIANT_HEADERS),
        account: first(ACCOUNT_HEADERS),
        environment: first(ENVIRONMENT_HEADERS),
        region: first(REGION_HEADERS),
        rationale: first(RATIONALE_HEADERS),
        owner: first(OWNER_HEADERS),
        data_classification: first(CLASSIFICATION_HEADERS),
        line_item_type: first(LINE_ITEM_TYPE_HEADERS),
        operation: first(OPERATION_HEADERS),
        usage_type: first(USAGE_TYPE_HEADERS),
        ..Columns::default()
    };
    let seen = || {
        headers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &options.service_column {
        Some(name) => {
            let wanted = normalise(name);
            let column = norm.iter().position(|h| *h == wanted).ok_or_else(|| {
                format!(
                    "no column \"{name}\" (given by --service-column); the header has: {}",
                    seen()
                )
            })?;
            columns.service.push(column);
        }
        None => {
            columns.service = SERVICE_HEADERS
                .iter()
                .filter_map(|n| norm.iter().position(|h| h == n))
                .collect();
            columns.arn = ["resourcearn", "arn"]
                .iter()
                .find_map(|n| norm.iter().position(|h| h == n));
            if columns.service.is_empty() {
                return Err(format!(
                    "no service column found; the header has: {}. Name one column \"service\" (or service_name, product, product/ProductName, lineItem/ProductCode, resourceType, resourceARN), or pass --service-column NAME",
                    seen()
                ));
            }
        }
    }
    for (i, header) in headers.iter().enumerate() {
        let Some(rest) = duty_column(header) else {
            continue;
        };
        let wanted = normalise(rest);
        let area = catalogue
            .areas
            .iter()
            .position(|a| normalise(&a.id) == wanted)
            .ok_or_else(|| {
                let guess = rest.trim().to_lowercase().replace(['_', ' ', '.'], "-");
                format!(
                    "column \"{header}\" looks like a duty override but names no duty area{}; the areas are: {}. Name it duty.<area>, or rename the column",
                    closest(&guess, catalogue.areas.iter().map(|a| a.id.as_str()))
                        .map(|a| format!(" (did you mean \"duty.{a}\"?)"))
                        .unwrap_or_default(),
                    catalogue.area_ids()
                )
            })?;
        let id = &catalogue.areas[area].id;
        if columns.duties.iter().any(|(_, a)| *a == area) {
            return Err(format!(
                "two columns override the duty area \"{id}\"; keep one"
            ));
        }
        columns.duties.push((i, area));
    }
    Ok(columns)
}

/// The area part of an override column: `duty.guest-os`, `Duty_Guest OS`, `duties:data`.
/// A header that starts with "duty" or "duties" and a separator is always read as one,
/// so a misspelt override is an error rather than a column silently kept as data.
pub(super) fn duty_column(header: &str) -> Option<&str> {
    let trimmed = header.trim();
    let lower = trimmed.to_lowercase();
    let word = ["duties", "duty"]
        .into_iter()
        .find(|w| lower.starts_with(w))?;
    let rest = &trimmed[word.len()..];
    let after = rest.trim_start_matches(|c: char| c.is_whitespace() || ".:_-/".contains(c));
    (after.len() < rest.len()).then_some(after)
}

/// The column whose values, in the first rows of `rows` (the input after its header),
/// are all ARNs: at most 100 rows are looked at, and at least one must hold an ARN.
pub(super) fn arn_column(rows: &[u8], delimiter: u8, columns: usize) -> Option<usize> {
    let mut reader = reader_for(rows, delimiter);
    let mut record = csv::StringRecord::new();
    let mut arns = vec![0usize; columns];
    let mut other = vec![false; columns];
    for _ in 0..100 {
        if !reader.read_record(&mut record).unwrap_or(false) {
            break;
        }
        for (c, cell) in record.iter().enumerate().take(columns) {
            match cell.trim() {
                "" => {}
                cell if crate::catalogue::Arn::parse(cell).is_some()
                    || crate::catalogue::resource_type_of_id(cell).is_some() =>
                {
                    arns[c] += 1
                }
                _ => other[c] = true,
            }
        }
    }
    (0..columns).find(|&c| arns[c] > 0 && !other[c])
}
