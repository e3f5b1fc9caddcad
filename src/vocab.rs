//! The stable vocabulary every output speaks: who owns a duty (`Owner`) and on what
//! grounds the tool says so (`Basis`). Ids here are the ones DESIGN.md fixes for scripts.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Who carries a duty for one service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Owner {
    Provider,
    /// The conservative default wherever an owner must be assumed.
    #[default]
    Customer,
    Shared,
    #[serde(rename = "n/a")]
    NotApplicable,
    Unassessed,
}

impl Owner {
    /// The owners a catalogue, a tier or an override may name (`unassessed` is the
    /// tool's own verdict on unknown rows, never an input).
    pub const ASSIGNABLE: [Owner; 4] = [
        Owner::Provider,
        Owner::Customer,
        Owner::Shared,
        Owner::NotApplicable,
    ];

    /// Every owner, the tool's `unassessed` verdict included.
    pub const ALL: [Owner; 5] = [
        Owner::Provider,
        Owner::Customer,
        Owner::Shared,
        Owner::NotApplicable,
        Owner::Unassessed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Owner::Provider => "provider",
            Owner::Customer => "customer",
            Owner::Shared => "shared",
            Owner::NotApplicable => "n/a",
            Owner::Unassessed => "unassessed",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            Owner::Provider => "Provider",
            Owner::Customer => "Customer",
            Owner::Shared => "Shared",
            Owner::NotApplicable => "—",
            Owner::Unassessed => "Unassessed",
        }
    }

    /// How much of the duty this owner leaves to the customer; where two statements
    /// disagree, the tool keeps the one with the larger value.
    pub fn customer_weight(self) -> u8 {
        match self {
            Owner::Unassessed => 4,
            Owner::Customer => 3,
            Owner::Shared => 2,
            Owner::Provider => 1,
            Owner::NotApplicable => 0,
        }
    }

    /// Parses an owner as a person writes it in an inventory cell.
    pub fn parse_input(text: &str) -> Option<Owner> {
        let t: String = text
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match t.as_str() {
            "provider" => Some(Owner::Provider),
            "customer" => Some(Owner::Customer),
            "shared" => Some(Owner::Shared),
            "na" | "notapplicable" => Some(Owner::NotApplicable),
            _ => None,
        }
    }

    /// Rolls owners up the way DESIGN.md fixes it: `n/a` is ignored; all provider gives
    /// provider, all customer gives customer, anything else shared; nothing gives `n/a`.
    pub fn roll_up(owners: impl IntoIterator<Item = Owner>) -> Owner {
        let mut result: Option<Owner> = None;
        for owner in owners {
            let owner = match owner {
                Owner::NotApplicable | Owner::Unassessed => continue,
                o => o,
            };
            result = Some(match result {
                None => owner,
                Some(prev) if prev == owner => owner,
                Some(_) => Owner::Shared,
            });
        }
        result.unwrap_or(Owner::NotApplicable)
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Why a cell has the owner it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The tier's default owner for the area.
    TierDefault,
    /// The catalogue cites a provider document for it.
    Documented,
    /// The catalogue's own reasoning.
    Inferred,
    /// Set by the variant the inventory names.
    Variant,
    /// The tool had to assume, and assumed the customer.
    Assumed,
    /// Set by a `duty.<area>` column of the inventory.
    Override,
    /// The service is not in the catalogue.
    Unassessed,
}

impl Basis {
    pub fn id(self) -> &'static str {
        match self {
            Basis::TierDefault => "tier-default",
            Basis::Documented => "documented",
            Basis::Inferred => "inferred",
            Basis::Variant => "variant",
            Basis::Assumed => "assumed",
            Basis::Override => "override",
            Basis::Unassessed => "unassessed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_up_follows_the_design_rule() {
        use Owner::*;
        assert_eq!(Owner::roll_up([Provider, Provider]), Provider);
        assert_eq!(Owner::roll_up([Customer, NotApplicable]), Customer);
        assert_eq!(Owner::roll_up([Customer, Provider]), Shared);
        assert_eq!(Owner::roll_up([Shared]), Shared);
        assert_eq!(
            Owner::roll_up([NotApplicable, NotApplicable]),
            NotApplicable
        );
        assert_eq!(Owner::roll_up([]), NotApplicable);
        assert_eq!(Owner::roll_up([Unassessed, Provider]), Provider);
    }

    #[test]
    fn input_owners_parse_loosely_but_not_wildly() {
        assert_eq!(Owner::parse_input(" Customer "), Some(Owner::Customer));
        assert_eq!(Owner::parse_input("N/A"), Some(Owner::NotApplicable));
        assert_eq!(Owner::parse_input("custmer"), None);
        assert_eq!(Owner::parse_input("unassessed"), None);
    }

    #[test]
    fn customer_weight_orders_conservatively() {
        let mut owners = Owner::ASSIGNABLE;
        owners.sort_by_key(|o| std::cmp::Reverse(o.customer_weight()));
        assert_eq!(owners[0], Owner::Customer);
        assert_eq!(owners[3], Owner::NotApplicable);
    }
}
