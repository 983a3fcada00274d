//! Exports a sample draft (the bundled UEC Appointment Booking template, every item answered,
//! evidence attached) into a folder, to look at the outputs or make the README's images:
//! `cargo run -p scal-export --example sample_export -- OUT_DIR`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .ok_or("usage: sample_export OUT_DIR")?;
    std::fs::create_dir_all(&out)?;
    let work = tempfile::tempdir()?;
    let mut draft = common::filled_draft(work.path());
    let options = scal_export::ExportOptions {
        at: Some(common::export_time()),
        ..Default::default()
    };
    let outcome = scal_export::export(&mut draft, &out, &options, &mut |_| {})?;
    for f in &outcome.files {
        eprintln!("{}  {} bytes", f.path.display(), f.size);
    }
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}
