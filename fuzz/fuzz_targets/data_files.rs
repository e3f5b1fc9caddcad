//! A data file's text (as model, catalogue or framework) → load: an error or a catalogue,
//! never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use onus::catalogue::{data_files, Catalogue, DataFile};

fuzz_target!(|input: (u8, &str)| {
    let (which, text) = input;
    let path = match which % 4 {
        0 => "model.toml",
        1 => "aws/catalogue.toml",
        2 => "controls/soc2.toml",
        _ => "crosswalks/nist-800-53--iso27001.csv",
    };
    let mut files = data_files(None).expect("built-in data");
    files.retain(|f| f.path != path);
    files.push(DataFile {
        path: path.into(),
        origin: path.into(),
        text: text.into(),
    });
    let _ = Catalogue::from_files(&files);
});
