use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    println!("hello from wasip2");
    eprintln!("to stderr");

    let mut seen = HashMap::new(); // RandomState seeds from wasi:random
    seen.insert("key", 1);
    println!("hashmap {}", seen.len());

    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    println!("wall after 2020 {}", wall.as_secs() > 1_577_836_800);

    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    println!("slept enough {}", start.elapsed() >= Duration::from_millis(20));

    println!("args {} vars {}", std::env::args().count(), std::env::vars().count());
    println!("cwd {:?}", std::env::current_dir().is_ok());

    match std::fs::read("/etc/passwd") {
        Ok(_) => println!("fs read ok"),
        Err(e) => println!("fs read {:?}", e.kind()),
    }
    match std::net::TcpStream::connect("127.0.0.1:80") {
        Ok(_) => println!("tcp connect ok"),
        Err(e) => println!("tcp connect {:?}", e.kind()),
    }
    match std::net::UdpSocket::bind("0.0.0.0:0") {
        Ok(_) => println!("udp bind ok"),
        Err(e) => println!("udp bind {:?}", e.kind()),
    }
    let mut input = String::new();
    println!("stdin {:?}", std::io::stdin().read_to_string(&mut input).map(|_| input.len()));

    let big = "x".repeat(10000);
    print!("{}", big);
    println!();
    std::io::stdout().flush().unwrap();
    println!("done");
}
