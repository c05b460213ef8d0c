"""Which scoring arithmetic this CPU runs best: its bfloat16 and int8 instructions, and `auto`.

`best_precision` is what `--precision auto` (the command line's default) resolves to; the measured
speed and accuracy per precision are in the README (speed), the arithmetic itself in
`stance.model.StanceModel.set_precision` and `stance.quantized`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Settings

CHECKED = "int8-checked"  # int8, its close calls scored again exactly (StanceModel.set_precision)
PRECISIONS = ("fp32", "bf16", "int8", CHECKED)  # scoring arithmetic; fp32 is the reference


def _cpu_flags() -> set[str]:
    try:
        return set(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split())
    except OSError:
        return set()


def cpu_has_native_bf16() -> bool:
    """Whether the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16), where bf16 is
    faster than fp32; elsewhere it is emulated and slower."""
    return bool(_cpu_flags() & {"avx512_bf16", "amx_bf16"})


def cpu_has_int8_dot() -> bool:
    """Whether the CPU has int8 dot-product instructions (AVX512-VNNI, AVX-VNNI or AMX-INT8), where
    ONNX Runtime's int8 kernels are the fastest way to score (see README, speed)."""
    return bool(_cpu_flags() & {"avx512_vnni", "avx_vnni", "amx_int8"})


def best_precision(settings: Settings | None = None) -> tuple[str, str]:
    """(precision, why): the fastest arithmetic that keeps the benchmarks within a point of fp32 on
    this CPU. `int8-checked` where the CPU has int8 dot products (VNNI/AMX) and ONNX Runtime is
    installed, for a plain cross-encoder: int8 for every row, its close calls scored again in bf16 or
    fp32 (on the 2-core AVX512-BF16 EPYC, 10,000 classify rows: 5.3-6.1x the naive pipeline in three
    runs, every benchmark within a point of fp32; pure int8 loses up to 2 points on the in-domain test, see
    README); else bf16 where the CPU has native bfloat16 (labels 99.9 % those of fp32); else int8
    where the CPU has int8 dot products and the model carries int8 thresholds; else fp32."""
    from .quantized import available

    plain = settings is None or not settings.shared_layers
    if cpu_has_int8_dot() and available() and plain:
        return CHECKED, ("the CPU has int8 dot products (VNNI/AMX): int8, close calls scored again in "
                         + ("bf16" if cpu_has_native_bf16() else "fp32"))
    if cpu_has_native_bf16():
        return "bf16", "the CPU has native bfloat16 (AVX512-BF16/AMX)"
    if settings is not None and "int8" in settings.precision_thresholds and cpu_has_int8_dot() and available():
        return "int8", "the CPU has int8 dot products (VNNI/AMX) but no native bfloat16, and the model int8 thresholds"
    return "fp32", "the CPU has neither native bfloat16 nor int8 dot products"
