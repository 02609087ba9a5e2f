//! The `graph-emulator` binary: parses flags, starts the emulator, writes the CA, prints the
//! base URL on one line and serves until SIGINT/SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use graph_emulator::{Emulator, EmulatorConfig};

const USAGE: &str = "usage: graph-emulator --listen 127.0.0.1:0 --ca-out <file> [--config <file>]";

struct Args {
    listen: SocketAddr,
    ca_out: PathBuf,
    config: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut ca_out = None;
    let mut config = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        if name == "--help" || name == "-h" {
            return Err(USAGE.to_string());
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("missing value for {name}\n{USAGE}")),
        };
        match name.as_str() {
            "--listen" => {
                listen = Some(
                    value
                        .parse()
                        .map_err(|e| format!("--listen {value}: {e}"))?,
                )
            }
            "--ca-out" => ca_out = Some(PathBuf::from(value)),
            "--config" => config = Some(PathBuf::from(value)),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        listen: listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))),
        ca_out: ca_out.ok_or_else(|| format!("--ca-out is required\n{USAGE}"))?,
        config,
    })
}

fn load_config(path: Option<&PathBuf>) -> Result<EmulatorConfig, String> {
    match path {
        None => Ok(EmulatorConfig::for_tests()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let config = match load_config(args.config.as_ref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("graph-emulator: invalid config: {e}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(args.listen, config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("graph-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = emulator.write_ca(&args.ca_out) {
        eprintln!("graph-emulator: writing {}: {e}", args.ca_out.display());
        return ExitCode::FAILURE;
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", emulator.base_url());
    let _ = stdout.flush();
    wait_for_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
