// Prints the ranges of chars Rust's str Debug ({:?}) escapes, alone and after an 'a' (they agree):
// "start end 1 1" in hex. Build it with the rustc the table names and pipe it to gen_table.py.
fn main() {
    let mut prev: Option<(u32, u32, bool, bool)> = None; // start, end, alone, mid
    let mut out = Vec::new();
    for u in 0u32..=0x10FFFF {
        let Some(c) = char::from_u32(u) else { continue };
        let alone = format!("{:?}", c.to_string()) != format!("\"{}\"", c);
        let s = format!("a{}", c);
        let mid = format!("{:?}", s) != format!("\"{}\"", s);
        match prev {
            Some((st, en, a, m)) if a == alone && m == mid && en + 1 == u => prev = Some((st, u, a, m)),
            _ => { if let Some(p) = prev { out.push(p); } prev = Some((u, u, alone, mid)); }
        }
    }
    out.push(prev.unwrap());
    for (s, e, a, m) in out { if a || m { println!("{:x} {:x} {} {}", s, e, a as u8, m as u8); } }
}
