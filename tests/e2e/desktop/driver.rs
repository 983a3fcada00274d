//! A small W3C WebDriver client for the real `scal-workbench` window: starts Xvfb and
//! tauri-driver (which starts WebKitWebDriver and the app), and speaks the JSON wire protocol
//! over plain HTTP to 127.0.0.1 (not `localhost`: tauri-driver listens on IPv4 only).
//!
//! Missing tools fail the test with what to install; they never make it pass silently.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// How long to wait for something the window is expected to show. Generous: a busy 2-core CI
/// machine may be slow, and waiting is not asserting on time.
pub const PATIENCE: Duration = Duration::from_secs(60);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The workspace root (tests/ is one level down).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The app binary that `cargo test --workspace` builds next to this test binary.
pub fn app_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/scal-workbench
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir.join(format!("scal-workbench{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "the desktop app is not built: expected {} (run `cargo test --workspace`, which builds it, \
         or `cargo build -p scal-workbench` before `cargo test -p scal-tests`)",
        bin.display()
    );
    bin
}

fn need_tool(name: &str, hint: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    let home_cargo =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin").join(name));
    found
        .or(home_cargo.filter(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!("`{name}` is not installed, and the desktop tests need it: {hint}")
        })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped.
struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// tauri-driver, started as the leader of its own process group: killing the group also ends
/// the WebKitWebDriver (and any app) it started, which killing tauri-driver alone leaves behind.
struct DriverGroup(Child);
impl Drop for DriverGroup {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

/// A private X display for the tests.
pub struct Display {
    pub name: String,
    _xvfb: Guard,
}

impl Display {
    pub fn start() -> Display {
        let xvfb = need_tool("Xvfb", "apt-get install xvfb xauth");
        // -displayfd: Xvfb picks a free display number and writes it to us when ready.
        let mut child = Command::new(xvfb)
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1400x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let n = line.trim();
        assert!(!n.is_empty(), "Xvfb did not report a display number");
        Display {
            name: format!(":{n}"),
            _xvfb: Guard(child),
        }
    }
}

/// A running app under tauri-driver, with one WebDriver session.
pub struct App {
    base: String,
    session: String,
    _driver: DriverGroup,
    /// Time from asking for a session to a start screen that answers clicks.
    pub launch_to_interactive: Duration,
}

pub struct Env<'a> {
    pub display: &'a Display,
    pub data_dir: &'a Path,
    pub dialogs: &'a Path,
}

impl App {
    pub fn launch(env: &Env<'_>) -> App {
        App::launch_with_args(env, &[])
    }

    /// Launches with command-line arguments for the app (e.g. `--sample`).
    pub fn launch_with_args(env: &Env<'_>, args: &[&str]) -> App {
        let driver = need_tool(
            "tauri-driver",
            "cargo install tauri-driver --locked (and apt-get install webkit2gtk-driver for WebKitWebDriver)",
        );
        need_tool("WebKitWebDriver", "apt-get install webkit2gtk-driver");
        let binary = app_binary();
        let (port, native_port) = (free_port(), free_port());
        let child = Command::new(driver)
            .process_group(0)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &env.display.name)
            // Not WEBKIT_DISABLE_COMPOSITING_MODE=1: with it, WebKitWebDriver's screenshot
            // command never answers (WebKitGTK 2.50 under Xvfb); clicks and typing work either way.
            .env("SCAL_DATA_DIR", env.data_dir)
            .env("SCAL_TEST_DIALOGS", env.dialogs)
            .env("SCAL_AUTHOR", "e2e tester")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tauri-driver");
        let driver = DriverGroup(child);
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start listening on {base}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let started = Instant::now();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": binary, "args": args}
        }}});
        let resp = request("POST", &format!("{base}/session"), Some(caps));
        let session = resp["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {resp}"))
            .to_string();
        let mut app = App {
            base,
            session,
            _driver: driver,
            launch_to_interactive: Duration::ZERO,
        };
        app.wait_until("the start screen to be ready", |a| {
            a.script("return document.body.dataset.ready === 'true'", json!([])) == json!(true)
        });
        app.launch_to_interactive = started.elapsed();
        app
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    pub fn script(&self, body: &str, args: Value) -> Value {
        request(
            "POST",
            &self.url("/execute/sync"),
            Some(json!({"script": body, "args": args})),
        )
    }

    /// Runs an async script: the last argument is the callback to call with the result.
    pub fn script_async(&self, body: &str, args: Value) -> Value {
        request(
            "POST",
            &self.url("/execute/async"),
            Some(json!({"script": body, "args": args})),
        )
    }

    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = request(
            "POST",
            &self.url("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for an element to exist and returns it.
    pub fn find(&self, css: &str) -> String {
        let mut found = None;
        self.wait_until(&format!("an element matching {css}"), |a| {
            found = a.find_all(css).into_iter().next();
            found.is_some()
        });
        found.unwrap()
    }

    /// Clicks as a person would: once the control is enabled (a button greyed out while its
    /// data loads does nothing when clicked, and a test that clicked it then would wait in vain).
    pub fn click(&self, css: &str) {
        self.wait_until(&format!("{css} to be enabled"), |a| a.is_enabled(css));
        let el = self.find(css);
        // Bring it into view first: a click on an element under a sticky bar is refused.
        self.script(
            "arguments[0].scrollIntoView({block: 'center'})",
            json!([{ELEMENT_KEY: el}]),
        );
        request(
            "POST",
            &self.url(&format!("/element/{el}/click")),
            Some(json!({})),
        );
    }

    /// Types into a field as a person would (key events, so the app sees input events).
    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.script(
            "arguments[0].scrollIntoView({block: 'center'})",
            json!([{ELEMENT_KEY: el}]),
        );
        request(
            "POST",
            &self.url(&format!("/element/{el}/clear")),
            Some(json!({})),
        );
        request(
            "POST",
            &self.url(&format!("/element/{el}/value")),
            Some(json!({"text": text})),
        );
    }

    /// Sends keys to an element without clearing it (WebDriver key codes, e.g. "\u{E038}" = F8).
    pub fn press(&self, css: &str, keys: &str) {
        let el = self.find(css);
        request(
            "POST",
            &self.url(&format!("/element/{el}/value")),
            Some(json!({"text": keys})),
        );
    }

    /// Chooses an option of a <select> by its value, by clicking the option.
    pub fn choose(&self, select_css: &str, value: &str) {
        // Clicking the <option> selects it (WebDriver's rule for options); clicking the <select>
        // itself would open a native popup menu.
        let option = format!("{select_css} option[value=\"{value}\"]");
        self.click(&option);
        let got = self.value(select_css);
        if got != value {
            // WebKitWebDriver does not always route a click to an <option> of a closed
            // dropdown; choose it the way a keyboard user's browser would report it.
            let el = self.find(select_css);
            self.script(
                "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
                json!([{ELEMENT_KEY: el}, value]),
            );
        }
    }

    pub fn text(&self, css: &str) -> String {
        // The rendered text, as a person reads it (innerText), whether or not it is scrolled
        // into view.
        let el = self.find(css);
        self.script("return arguments[0].innerText", json!([{ELEMENT_KEY: el}]))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn value(&self, css: &str) -> String {
        let el = self.find(css);
        self.script("return arguments[0].value", json!([{ELEMENT_KEY: el}]))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn is_enabled(&self, css: &str) -> bool {
        let el = self.find(css);
        self.script("return !arguments[0].disabled", json!([{ELEMENT_KEY: el}])) == json!(true)
    }

    pub fn exists(&self, css: &str) -> bool {
        !self.find_all(css).is_empty()
    }

    /// Polls until `ok` holds; fails naming what it waited for.
    pub fn wait_until(&self, what: &str, mut ok: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if ok(self) {
                return;
            }
            if Instant::now() > deadline {
                let shot = std::env::temp_dir().join("scal-e2e-failure.png");
                self.screenshot(&shot);
                panic!(
                    "waited {PATIENCE:?} for {what}; the window shows (screenshot {}): {}",
                    shot.display(),
                    self.script("return document.body.innerText.slice(0, 1500)", json!([]))
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn wait_for_text(&self, css: &str, wanted: &str) {
        self.wait_until(&format!("{css} to show \"{wanted}\""), |a| {
            a.find_all(css)
                .first()
                .is_some_and(|_| a.text(css).contains(wanted))
        });
    }

    /// Waits for the top bar to say every change is saved.
    pub fn wait_saved(&self) {
        self.wait_until("the draft to say it is saved", |a| {
            let t = a.text("[data-testid=save-status]");
            t.starts_with("Saved")
        });
    }

    pub fn screenshot(&self, to: &Path) {
        // Let the window paint what the DOM already holds: WebKit can otherwise capture the
        // frame before the last change (seen with a modal dialog's content).
        self.script_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
            json!([]),
        );
        let b64 = request("GET", &self.url("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("the screenshot is base64");
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        super::write_file(to, &png);
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> bool {
        ureq::post(&self.url("/window/rect"))
            .send_json(json!({"width": width, "height": height}))
            .is_ok()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // Ends the session, which closes the app; the driver is killed after.
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
    }
}

fn request(method: &str, url: &str, body: Option<Value>) -> Value {
    let req = ureq::request(method, url).timeout(Duration::from_secs(120));
    let resp = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match resp {
        Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
        Err(ureq::Error::Status(code, r)) => {
            let text = r.into_string().unwrap_or_default();
            panic!("WebDriver {method} {url} failed ({code}): {text}")
        }
        Err(e) => panic!("WebDriver {method} {url} failed: {e}"),
    }
}
