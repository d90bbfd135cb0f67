//! Reading QEMU's `-d nochain,exec,in_asm` log, line by line, into guest instructions per
//! translation block (TB) start address: the counter behind `xbench profile`.
//!
//! A crate of its own so that it is compiled optimised even in the harness's debug builds
//! (`[profile.dev.package.xbench-trace]` in the workspace's Cargo.toml): a profile feeds it tens
//! of millions of lines, about 1.5 GB for a 76 M-instruction run, and unoptimised it reads
//! slower than QEMU writes.
//!
//! The lines that matter (QEMU 10.0, the same on RISC-V and Arm):
//!
//! ```text
//! ----------------
//! IN: memset
//! 0x80000010:  00000297          auipc  t0,0            <- in_asm: one line per guest instruction
//! 0x00000042:  f380 8808  msr      msp, r0              <- (Thumb: the encoding may hold a space)
//!
//! Trace 0: 0x7f06... [00000000/0000000080000010/01c14003/ff022200] memset   <- exec: one per TB run
//! Stopped execution of TB chain before 0x7f06... [0000000080000010] memset  <- that TB did not run
//! cpu_io_recompile: rewound execution of TB to 0000000080009f48            <- it ran up to there
//! ```
//!
//! With `nochain` every TB execution is logged. The second field in the brackets is the guest pc,
//! the fourth the TB's compile flags, whose low 9 bits (`CF_COUNT_MASK`) limit the TB to that many
//! instructions when QEMU's `-icount` budget ends inside it. Everything else (blank lines, the
//! dashes, unknown lines) is skipped: a line this parser does not know must not stop a profile.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::io::BufRead;

/// QEMU's `CF_COUNT_MASK` (include/exec/translation-block.h): a TB's instruction limit.
const CF_COUNT_MASK: u32 = 0x1ff;

/// Where counting is on: between entries into marker functions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    /// Entering a TB at one of these pcs turns counting on.
    pub begin: Vec<u64>,
    /// Entering a TB at one of these pcs turns counting off.
    pub end: Vec<u64>,
}

/// What the reader counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceCounts {
    /// Guest instructions executed, by the pc of the TB they ran in.
    pub by_pc: HashMap<u64, u64>,
    /// Their sum.
    pub total: u64,
    /// TB executions counted.
    pub executions: u64,
    /// TB executions whose translation the log did not show (counted as zero instructions).
    pub unknown_executions: u64,
    /// With a gate: whether counting was ever turned on.
    pub gate_opened: bool,
    /// Bytes of log read (set by [`count`]).
    pub log_bytes: u64,
}

/// The last TB execution, so that a following "stopped" or "rewound" line can take back the
/// instructions it did not run.
#[derive(Debug, Clone, Copy)]
struct LastExec {
    pc: u64,
    counted: u64,
}

/// What is known of the TBs starting at one pc.
#[derive(Debug, Default)]
struct Block {
    /// The instruction addresses of the latest full translation.
    addresses: Vec<u64>,
    /// Instructions counted in TBs starting here.
    instructions: u64,
}

/// A hasher for pcs. The counter does one lookup per TB run, tens of millions per profile;
/// the default SipHash guards against chosen keys, which a firmware's addresses are not, and
/// costs several times this multiplication.
#[derive(Default)]
struct PcHasher(u64);

impl std::hash::Hasher for PcHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, pc: u64) {
        // Fibonacci hashing: the multiplication mixes the pc into the high bits, the fold brings
        // them down to the low bits hashbrown picks a bucket with (pcs are even: a product alone
        // would leave every odd bucket empty).
        let mixed = pc.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = mixed ^ mixed >> 32;
    }
}

type PcMap<V> = HashMap<u64, V, BuildHasherDefault<PcHasher>>;

/// A streaming counter: feed it the log's lines in order with [`Counter::line`].
#[derive(Debug, Default)]
pub struct Counter {
    gate: Option<Gate>,
    counting: bool,
    blocks: PcMap<Block>,
    /// The in_asm block being read.
    reading: Option<Vec<u64>>,
    /// The last block read, not yet matched with its first execution.
    pending: Option<Vec<u64>>,
    last: Option<LastExec>,
    counts: TraceCounts,
}

impl Counter {
    /// Counts everything (`gate` `None`), or only inside the gate.
    pub fn new(gate: Option<Gate>) -> Counter {
        let counting = gate.is_none();
        Counter { gate, counting, ..Counter::default() }
    }

    /// Takes one line of the log (without or with its newline).
    pub fn line(&mut self, line: &[u8]) {
        // Most lines are TB runs: they go first.
        if line.first() == Some(&b'T') {
            if let Some((pc, cflags)) = exec_line(line) {
                self.end_block();
                self.execute(pc, cflags);
                return;
            }
        }
        if let Some(address) = instruction_address(line) {
            if let Some(block) = &mut self.reading {
                block.push(address);
            }
            return;
        }
        // Any other line ends an in_asm block (normally the blank line after it).
        self.end_block();
        if line.starts_with(b"IN:") {
            self.reading = Some(Vec::new());
        } else if let Some(pc) = stopped_line(line) {
            // The TB was entered but none of it ran (an interrupt or the icount budget).
            if let Some(last) = self.last.take().filter(|last| last.pc == pc) {
                self.take_back(last.pc, last.counted);
            }
        } else if let Some(resume) = rewound_line(line) {
            // An I/O access inside the TB: what ran before it counts, the rest runs again later
            // in a TB of its own.
            if let Some(last) = self.last.take() {
                let ran = self.blocks.get(&last.pc).map_or(last.counted, |block| {
                    block.addresses.iter().filter(|&&a| a < resume).count() as u64
                });
                self.take_back(last.pc, last.counted.saturating_sub(ran));
            }
        }
    }

    /// What was counted.
    pub fn finish(mut self) -> TraceCounts {
        self.counts.by_pc = self.blocks.iter().filter(|(_, b)| b.instructions > 0).map(|(&pc, b)| (pc, b.instructions)).collect();
        self.counts
    }

    fn end_block(&mut self) {
        if let Some(block) = self.reading.take() {
            if !block.is_empty() {
                self.pending = Some(block);
            }
        }
    }

    fn execute(&mut self, pc: u64, cflags: u32) {
        let limit = u64::from(cflags & CF_COUNT_MASK);
        if let Some(addresses) = self.pending.take() {
            // A translation is logged just before its first run. One cut short by an icount
            // limit has at most `limit` instructions; it replaces the full one only when no
            // full one is known, so that later unlimited runs of the pc count the full block.
            // Otherwise the latest translation of a pc is the one that counts.
            if let Some(&first) = addresses.first() {
                let cut_short = first == pc && limit != 0 && addresses.len() as u64 >= limit;
                let block = self.blocks.entry(first).or_default();
                if !cut_short || block.addresses.is_empty() {
                    block.addresses = addresses;
                }
            }
        }
        if let Some(gate) = &self.gate {
            if gate.begin.contains(&pc) {
                self.counting = true;
                self.counts.gate_opened = true;
            } else if gate.end.contains(&pc) {
                self.counting = false;
            }
        }
        self.last = None;
        if !self.counting {
            return;
        }
        let Some(block) = self.blocks.get_mut(&pc).filter(|b| !b.addresses.is_empty()) else {
            self.counts.unknown_executions += 1;
            return;
        };
        let mut count = block.addresses.len() as u64;
        if limit != 0 && limit < count {
            count = limit;
        }
        block.instructions += count;
        self.counts.total += count;
        self.counts.executions += 1;
        self.last = Some(LastExec { pc, counted: count });
    }

    fn take_back(&mut self, pc: u64, instructions: u64) {
        if let Some(block) = self.blocks.get_mut(&pc) {
            let taken = instructions.min(block.instructions);
            block.instructions -= taken;
            self.counts.total -= taken;
        }
    }
}

/// Counts a whole log from `reader` to its end. `log_bytes` says how much was read.
pub fn count(mut reader: impl BufRead, gate: Option<Gate>) -> std::io::Result<TraceCounts> {
    let mut counter = Counter::new(gate);
    let mut line = Vec::with_capacity(256);
    let mut bytes = 0u64;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        bytes += read as u64;
        counter.line(&line);
    }
    let mut counts = counter.finish();
    counts.log_bytes = bytes;
    Ok(counts)
}

/// `0x80000010:  00000297  auipc ...`: the address of one disassembled instruction.
fn instruction_address(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"0x")?;
    let (address, next) = hex_field(rest, 0)?;
    (rest.get(next) == Some(&b':')).then_some(address)
}

/// `Trace 0: 0x7f.. [cs_base/pc/flags/cflags] symbol`: the pc and the compile flags.
fn exec_line(line: &[u8]) -> Option<(u64, u32)> {
    if !line.starts_with(b"Trace ") {
        return None;
    }
    let open = find(line, b'[', 6)?;
    // cs_base and flags are skipped, not parsed.
    let (pc, at) = hex_field(line, find(line, b'/', open)? + 1)?;
    let (cflags, at) = hex_field(line, find(line, b'/', expect(line, at, b'/')?)? + 1)?;
    expect(line, at, b']')?;
    Some((pc, u32::try_from(cflags).ok()?))
}

/// `Stopped execution of TB chain before 0x7f.. [pc] symbol`.
fn stopped_line(line: &[u8]) -> Option<u64> {
    if !line.starts_with(b"Stopped execution of TB chain") {
        return None;
    }
    let open = find(line, b'[', 0)?;
    let (pc, at) = hex_field(line, open + 1)?;
    expect(line, at, b']')?;
    Some(pc)
}

/// `cpu_io_recompile: rewound execution of TB to <pc>`.
fn rewound_line(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"cpu_io_recompile: rewound execution of TB to ")?;
    hex_field(rest, 0).map(|(pc, _)| pc)
}

/// The first `byte` at or after `from`.
fn find(line: &[u8], byte: u8, from: usize) -> Option<usize> {
    let mut at = from;
    while at < line.len() {
        if line[at] == byte {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The position after `byte`, if `byte` is at `at`.
fn expect(line: &[u8], at: usize, byte: u8) -> Option<usize> {
    (line.get(at) == Some(&byte)).then_some(at + 1)
}

/// The hexadecimal number at `at` (1 to 16 digits) and the position after it.
fn hex_field(line: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut end = at;
    let last = line.len().min(at + 16);
    while end < last {
        let digit = HEX_DIGITS[line[end] as usize];
        if digit == NOT_HEX {
            break;
        }
        value = value << 4 | u64::from(digit);
        end += 1;
    }
    if end > at {
        Some((value, end))
    } else {
        None
    }
}

const NOT_HEX: u8 = 0xff;

/// Each byte's value as a hexadecimal digit, or [`NOT_HEX`]: one load per digit.
const HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn count(log: &str, gate: Option<Gate>) -> TraceCounts {
        let mut counter = Counter::new(gate);
        for line in log.lines() {
            counter.line(line.as_bytes());
        }
        counter.finish()
    }

    // Written after QEMU 10.0.2's riscv32 output: a 3-instruction TB run twice, a 2-instruction
    // TB run once.
    const RISCV: &str = "\
----------------
IN: 
0x00001000:  00000297          auipc                   t0,0                    # 0x1000
0x00001004:  02828613          addi                    a2,t0,40
0x00001008:  f1402573          csrrs                   a0,mhartid,zero

Trace 0: 0x7f062c000100 [00000000/0000000000001000/01c14003/ff022200] 
----------------
IN: _start
0x80000000:  00421197          auipc                   gp,1057                 # 0x80421000
0x80000004:  80018193          addi                    gp,gp,-2048

Trace 0: 0x7f062c000200 [00000000/0000000080000000/01c14003/ff022200] _start
Trace 0: 0x7f062c000100 [00000000/0000000000001000/01c14003/ff022200] 
";

    #[test]
    fn riscv_blocks_count_their_instructions_per_run() {
        let counts = count(RISCV, None);
        assert_eq!(counts.by_pc[&0x1000], 6);
        assert_eq!(counts.by_pc[&0x8000_0000], 2);
        assert_eq!(counts.total, 8);
        assert_eq!(counts.executions, 3);
        assert_eq!(counts.unknown_executions, 0);
    }

    // Thumb-2: 32-bit encodings print as two half-words, and the exec line names a symbol.
    const THUMB: &str = "\
----------------
IN: _start
0x00000040:  4810       ldr      r0, [pc, #0x40]
0x00000042:  f380 8808  msr      msp, r0
0x00000046:  f000 f843  bl       #0xd0

Trace 0: 0x7f6288000100 [00800408/0000000000000040/00000110/ff022200] _start
Trace 0: 0x7f6288000100 [00800408/0000000000000040/00000110/ff022200] _start
Stopped execution of TB chain before 0x7f6288000100 [0000000000000040] _start
";

    #[test]
    fn thumb_lines_count_and_a_stopped_tb_is_taken_back() {
        let counts = count(THUMB, None);
        // Two runs of three instructions, the second of which never started.
        assert_eq!(counts.by_pc[&0x40], 3);
        assert_eq!(counts.total, 3);
    }

    // An icount limit of 1 (cflags low bits) and an I/O access rewinding a TB.
    const ICOUNT: &str = "\
----------------
IN: engine
0x80009f44:  0200c637          lui                     a2,8204
0x80009f48:  ffc62503          lw                      a0,-4(a2)
0x80009f4c:  ff862583          lw                      a1,-8(a2)

Trace 0: 0x7fe984028580 [00000000/0000000080009f44/01c14003/ff022200] 
cpu_io_recompile: rewound execution of TB to 0000000080009f48
----------------
IN: engine
0x80009f48:  ffc62503          lw                      a0,-4(a2)

Trace 0: 0x7fe984028800 [00000000/0000000080009f48/01c14003/ff033201] 
----------------
IN: engine
0x80009f44:  0200c637          lui                     a2,8204

Trace 0: 0x7fe984028900 [00000000/0000000080009f44/01c14003/ff022201] 
Trace 0: 0x7fe984028580 [00000000/0000000080009f44/01c14003/ff022200] 
";

    #[test]
    fn icount_limits_and_rewinds_count_what_ran() {
        let counts = count(ICOUNT, None);
        // 0x..44: 1 (rewound after lui) + 1 (limited to one) + 3 (the full block, still known).
        assert_eq!(counts.by_pc[&0x8000_9f44], 5);
        assert_eq!(counts.by_pc[&0x8000_9f48], 1);
        assert_eq!(counts.total, 6);
    }

    #[test]
    fn a_gate_counts_only_between_its_marks() {
        // Count between entering 0x80000000 and entering 0x1000 again.
        let gate = Gate { begin: vec![0x8000_0000], end: vec![0x1000] };
        let counts = count(RISCV, Some(gate));
        assert!(counts.gate_opened);
        assert_eq!(counts.total, 2);
        assert!(!counts.by_pc.contains_key(&0x1000));
        let never = count(RISCV, Some(Gate { begin: vec![0x4242], end: vec![] }));
        assert!(!never.gate_opened);
        assert_eq!(never.total, 0);
    }

    #[test]
    fn unknown_and_broken_lines_are_skipped() {
        let log = "garbage\nTrace 0: no brackets\nTrace 0: 0x1 [00/zz/00/00]\n0x:\nTrace 0: 0x1 [0/0000000000000100/0/0]\n";
        let counts = count(log, None);
        assert_eq!(counts.total, 0);
        assert_eq!(counts.unknown_executions, 1);
    }

    #[test]
    fn a_whole_log_is_counted_from_a_reader() {
        let counts = super::count(RISCV.as_bytes(), None).unwrap();
        assert_eq!(counts.total, 8);
        assert_eq!(counts.log_bytes, RISCV.len() as u64);
    }
}
