//! Arbitrary inventory text → report → every renderer: no panic; Markdown table rows keep
//! their cell count; HTML never carries the input's markup unescaped.
#![no_main]
use libfuzzer_sys::fuzz_target;
use onus::catalogue::Catalogue;
use onus::inventory::{Inventory, ReadOptions};
use onus::render::{Format, Renderer};
use onus::report::ReportOptions;
use std::sync::OnceLock;

fn setup() -> &'static (Catalogue, Renderer) {
    static S: OnceLock<(Catalogue, Renderer)> = OnceLock::new();
    S.get_or_init(|| {
        (
            Catalogue::built_in().unwrap(),
            Renderer::new(None, Default::default()).unwrap(),
        )
    })
}

fuzz_target!(|cells: Vec<String>| {
    let (c, renderer) = setup();
    let mut csv = String::from("service,account,environment,region\n");
    for chunk in cells.chunks(4) {
        let quoted: Vec<String> = chunk
            .iter()
            .map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
            .collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    let Ok(inventory) = Inventory::parse(csv.as_bytes(), "fuzz.csv", &ReadOptions::default(), c)
    else {
        return;
    };
    let options = ReportOptions {
        frameworks: onus::join::Selection::parse_all(c, &["soc2".into()]).unwrap(),
        title: None,
        org: None,
        date: onus::text::Date::from_unix(0),
        as_of: None,
        soc2: Default::default(),
        iso: Default::default(),
    };
    let report = onus::assess::assess(c, &inventory, &Default::default(), &options);
    for &format in Format::all() {
        let rendered = renderer
            .render(&report, format)
            .expect("built-in templates render");
        if format == Format::Md {
            let md = String::from_utf8(rendered.bytes().to_vec()).unwrap();
            let appendix = md.split("## Inventory appendix").nth(1).unwrap();
            for line in appendix
                .lines()
                .filter(|l| l.starts_with("| ") && !l.starts_with("| Line"))
            {
                assert_eq!(
                    line.matches(" | ").count(),
                    7,
                    "appendix row broke the table: {line}"
                );
            }
        }
        if format == Format::Html {
            let html = String::from_utf8(rendered.bytes().to_vec()).unwrap();
            assert_eq!(
                html.matches("<script").count(),
                1,
                "only the page's own script"
            );
        }
    }
});
