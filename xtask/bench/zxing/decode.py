"""zxing-cpp anchor for `cargo xtask bench-decode`.

Reads the grayscale frames the Rust side wrote (raw 8-bit `.gray` files listed in
`index.json` with their sizes), so zxing-cpp sees exactly the pixels Vaora and rqrr see,
and prints one JSON object per line: file, payloads (hex bytes and text), milliseconds.
Usage: python3 decode.py DIR
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import zxingcpp


def main() -> None:
    folder = Path(sys.argv[1])
    index = json.loads((folder / "index.json").read_text())
    for item in index:
        pixels = np.fromfile(folder / item["file"], dtype=np.uint8)
        frame = pixels.reshape(item["height"], item["width"])
        # Only decoding is timed, as on the Rust side.
        started = time.perf_counter()
        found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        payloads = [{"hex": bytes(code.bytes).hex(), "text": code.text} for code in found]
        print(json.dumps({"file": item["file"], "payloads": payloads, "ms": elapsed_ms}))


if __name__ == "__main__":
    main()
