//! Whether a target can run on this machine: its QEMU binary, its machine model and its C
//! cross compiler. A target that cannot is skipped with the reason, unless the user named it.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use crate::launch::find_program;
use crate::target::Target;

/// `Ok` if the target can be built and run here, or the reason it cannot.
pub fn check(target: &Target) -> Result<(), String> {
    if let Some(c) = &target.c {
        if find_program(Path::new(&c.compiler)).is_none() {
            return Err(format!("the C cross compiler `{}` is not installed (run `make setup`)", c.compiler));
        }
    }
    let Some(qemu) = &target.qemu else { return Ok(()) };
    if find_program(Path::new(&qemu.binary)).is_none() {
        return Err(format!("`{}` is not installed (run `make setup`)", qemu.binary));
    }
    let machines = machines_of(&qemu.binary)?;
    if !machines.iter().any(|m| m == &qemu.machine) {
        return Err(format!("`{}` has no machine `{}` (QEMU 10 from `make setup` has it)", qemu.binary, qemu.machine));
    }
    Ok(())
}

/// The machine names `binary -machine help` lists, asked once per binary.
fn machines_of(binary: &str) -> Result<Vec<String>, String> {
    static CACHE: Mutex<Option<HashMap<String, Vec<String>>>> = Mutex::new(None);
    let mut cache = CACHE.lock().map_err(|_| "the QEMU machine cache is poisoned".to_string())?;
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(machines) = cache.get(binary) {
        return Ok(machines.clone());
    }
    let output = Command::new(binary)
        .args(["-machine", "help"])
        .output()
        .map_err(|e| format!("`{binary} -machine help` did not run: {e}"))?;
    let machines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect();
    cache.insert(binary.to_string(), machines.clone());
    Ok(machines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetSet;

    fn riscv32() -> Target {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets");
        TargetSet::load(&dir).unwrap().targets["riscv32"].clone()
    }

    #[test]
    fn a_missing_qemu_binary_is_a_reason_to_skip() {
        let mut target = riscv32();
        target.qemu.as_mut().unwrap().binary = "qemu-system-imaginary".into();
        let reason = check(&target).unwrap_err();
        assert!(reason.contains("qemu-system-imaginary") && reason.contains("make setup"), "{reason}");
    }

    #[test]
    fn an_unknown_machine_is_a_reason_to_skip() {
        let mut target = riscv32();
        target.qemu.as_mut().unwrap().machine = "imaginary-board".into();
        let reason = check(&target).unwrap_err();
        assert!(reason.contains("no machine `imaginary-board`"), "{reason}");
    }

    #[test]
    fn the_installed_riscv32_target_is_available() {
        assert_eq!(check(&riscv32()), Ok(()));
    }
}
