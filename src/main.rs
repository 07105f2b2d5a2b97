fn main() {
    if std::env::args().nth(1).as_deref() == Some("__probe") {
        std::process::exit(checks::probe::child_main(
            &std::env::args().skip(2).collect::<Vec<_>>(),
        ))
    }
}
