//! hclog-style JSON log lines on stderr, which go-plugin reads and forwards to Terraform's log
//! with their level, so `TF_LOG_PROVIDER` / `TF_LOG` control what appears. stdout is reserved
//! for the handshake line.

use log::{Level, LevelFilter, Log, Metadata, Record};
use std::io::Write;

struct HclogLogger {
    module: &'static str,
}

impl Log for HclogLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format_line(
            self.module,
            record.level(),
            &record.args().to_string(),
            record.target(),
        );
        // One write per line so concurrent tasks never interleave within a line.
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

fn format_line(module: &str, level: Level, message: &str, target: &str) -> String {
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let level = match level {
        Level::Error => "error",
        Level::Warn => "warn",
        Level::Info => "info",
        Level::Debug => "debug",
        Level::Trace => "trace",
    };
    let mut line = serde_json::json!({
        "@level": level,
        "@message": message,
        "@module": module,
        "@timestamp": timestamp,
        "target": target,
    })
    .to_string();
    line.push('\n');
    line
}

/// Maps Terraform's log level variables to a filter: `TF_LOG_PROVIDER` wins over `TF_LOG`;
/// unset means warnings and errors only.
pub fn level_from_env(provider_level: Option<&str>, global_level: Option<&str>) -> LevelFilter {
    let raw = provider_level
        .filter(|s| !s.is_empty())
        .or(global_level.filter(|s| !s.is_empty()));
    match raw.map(|s| s.trim().to_ascii_uppercase()).as_deref() {
        None => LevelFilter::Warn,
        Some("TRACE") | Some("JSON") => LevelFilter::Trace,
        Some("DEBUG") => LevelFilter::Debug,
        Some("INFO") => LevelFilter::Info,
        Some("WARN") => LevelFilter::Warn,
        Some("ERROR") => LevelFilter::Error,
        Some("OFF") => LevelFilter::Off,
        // Terraform treats any other non-empty value as TRACE.
        Some(_) => LevelFilter::Trace,
    }
}

/// Installs the logger once; later calls are ignored.
pub fn init(module: &'static str) {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    if log::set_boxed_logger(Box::new(HclogLogger { module })).is_ok() {
        log::set_max_level(level);
        // A panic caught by a task boundary (a provider may run a library that panics in its own task) is reported as one
        // structured error line that Terraform shows at every log level, not as raw text.
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|at| format!(" at {}:{}", at.file(), at.line()))
                .unwrap_or_default();
            let cause = super::panic_guard::panic_cause(info.payload());
            log::error!("internal error{location}: {cause}; please report it");
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_hclog_json() {
        let line = format_line("provider", Level::Debug, "hello \"world\"", "x");
        let v: serde_json::Value = serde_json::from_str(line.trim_end()).expect("json");
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "hello \"world\"");
        assert_eq!(v["@module"], "provider");
        assert!(v["@timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
    }

    #[test]
    fn provider_level_wins() {
        assert_eq!(
            level_from_env(Some("debug"), Some("TRACE")),
            LevelFilter::Debug
        );
        assert_eq!(level_from_env(None, Some("trace")), LevelFilter::Trace);
        assert_eq!(level_from_env(Some(""), Some("INFO")), LevelFilter::Info);
        assert_eq!(level_from_env(None, None), LevelFilter::Warn);
        assert_eq!(level_from_env(None, Some("1")), LevelFilter::Trace);
        assert_eq!(level_from_env(Some("off"), None), LevelFilter::Off);
    }
}
