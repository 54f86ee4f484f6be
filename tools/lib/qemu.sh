# Shared by ./gehri and the boot tests: how Gehri is started under QEMU.
# shellcheck shell=bash

GEHRI_OVMF_CODE_CANDIDATES=(/usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_CODE.fd /usr/share/ovmf/OVMF.fd /usr/share/qemu/OVMF.fd)
GEHRI_OVMF_VARS_CANDIDATES=(/usr/share/OVMF/OVMF_VARS_4M.fd /usr/share/OVMF/OVMF_VARS.fd)

# KVM only where it is real: /dev/kvm usable and a kvm_intel or kvm_amd module loaded.
# Some hosts expose a nested "kvm_pvm" /dev/kvm that is far slower than TCG.
gehri_default_accel() {
    if [[ -r /dev/kvm && -w /dev/kvm ]] && [[ -d /sys/module/kvm_intel || -d /sys/module/kvm_amd ]]; then
        echo kvm
    else
        echo tcg
    fi
}

gehri_find_first() {
    local candidate
    for candidate in "$@"; do
        [[ -f $candidate ]] && { echo "$candidate"; return 0; }
    done
    return 1
}

# gehri_qemu_args ISO FIRMWARE(bios|uefi) SMP MEMORY_MB ACCEL DISPLAY(none|window) WORKDIR
# Prints one argument per line.
gehri_qemu_args() {
    local iso=$1 firmware=$2 smp=$3 memory=$4 accel=$5 display=$6 workdir=$7
    local args=(-M q35 -cpu max -m "$memory" -smp "$smp" -no-reboot
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -nic none -cdrom "$iso" -boot d)
    if [[ $accel == kvm ]]; then args+=(-accel kvm); else args+=(-accel tcg); fi
    if [[ $display == window ]]; then args+=(-serial stdio); else args+=(-display none -serial stdio); fi
    if [[ $firmware == uefi ]]; then
        local code vars
        code=$(gehri_find_first "${GEHRI_OVMF_CODE_CANDIDATES[@]}") || { echo "error: no OVMF firmware found (package ovmf)" >&2; return 1; }
        vars=$(gehri_find_first "${GEHRI_OVMF_VARS_CANDIDATES[@]}") || { echo "error: no OVMF variable store found (package ovmf)" >&2; return 1; }
        # The firmware code and its variable store must come in matching sizes.
        if [[ $code == *_4M.fd ]]; then vars=${vars/OVMF_VARS.fd/OVMF_VARS_4M.fd}; else vars=${vars/OVMF_VARS_4M.fd/OVMF_VARS.fd}; fi
        cp "$vars" "$workdir/ovmf-vars.fd"
        args+=(-drive "if=pflash,format=raw,readonly=on,file=$code" -drive "if=pflash,format=raw,file=$workdir/ovmf-vars.fd")
    fi
    printf '%s\n' "${args[@]}"
}

# isa-debug-exit: the kernel writes 0x10 to pass, which QEMU turns into status 33, and 0x11 to
# fail (a panic, a fatal exception, failed in-kernel tests), status 35.
GEHRI_QEMU_PASS_STATUS=33
GEHRI_QEMU_FAIL_STATUS=35
