#!/usr/bin/env python3
"""Build the benchmark corpus deterministically (fixed seed, sorted inputs).

usage: gen_corpus.py OUT MIN_CONTAINER_FILES NOISE_MB SOURCE_DIR...

OUT/qN/copy-NNN/<repo>/...  copies of the container-related source files, in
four quarters (q1..q4) so 1/4, 1/2 and the whole corpus are directories;
each repository copy also gets pseudo-random source files that are not
container configs (.ts .py .go .md .json) until NOISE_MB in total.
Writes OUT.dockerfiles (every Dockerfile, one path a line) and OUT.stats.
"""
import os, random, shutil, sys

out, min_files, noise_mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sources = sys.argv[4:]

def is_dockerfile(name):
    n = name.lower()
    return (n in ("dockerfile", "containerfile") or n.startswith(("dockerfile.", "containerfile.", "dockerfile-", "dockerfile_"))
            or n.endswith((".dockerfile", ".containerfile")))

# Repositories: each immediate subdirectory of a source dir (or the source dir itself when it has files).
repos = []
for src in sources:
    src = os.path.abspath(src)
    subdirs = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)) and not d.startswith("."))
    for d in subdirs:
        files = []
        for dirpath, dirnames, filenames in os.walk(os.path.join(src, d)):
            dirnames.sort()
            for f in sorted(filenames):
                full = os.path.join(dirpath, f)
                if os.path.isfile(full) and f != "expect.txt":
                    files.append(os.path.relpath(full, os.path.join(src, d)))
        if files:
            repos.append((d, os.path.join(src, d), files))
per_copy = sum(len(f) for _, _, f in repos)
if per_copy == 0:
    sys.exit("no source files")
copies = max(4, -(-min_files // per_copy))
copies += (-copies) % 4  # a multiple of four: the quarters are equal

if os.path.exists(out):
    shutil.rmtree(out)
dockerfiles = []
n_config = 0
config_bytes = 0
for c in range(copies):
    q = c * 4 // copies + 1
    for name, root, files in repos:
        dest = os.path.join(out, f"q{q}", f"copy-{c:03d}", name)
        for rel in files:
            d = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copyfile(os.path.join(root, rel), d)
            n_config += 1
            config_bytes += os.path.getsize(d)
            if is_dockerfile(os.path.basename(rel)):
                dockerfiles.append(d)

# Noise: source files that are not container configs.
rng = random.Random(20240421)
words = ("const let var function return import export from class interface type async await if else for while "
         "def self None True False lambda yield package func struct string int error nil map slice make go "
         "user config server client request response handler token session cache query result value index "
         "items data error message status path file stream buffer options context logger metrics event").split()
def ident():
    return rng.choice(words) + rng.choice(["", "_" + rng.choice(words), rng.choice(words).capitalize()])
def line(ext):
    k = rng.randint(0, 7)
    body = " ".join(ident() for _ in range(k))
    if ext == ".py":
        return "    " * rng.randint(0, 2) + (f"def {ident()}({ident()}):" if k == 0 else f"{ident()} = {body!r}")
    if ext == ".go":
        return "\t" * rng.randint(0, 2) + (f"func {ident()}() error {{" if k == 0 else f"{ident()} := \"{body}\"")
    if ext == ".ts":
        return "  " * rng.randint(0, 2) + (f"export function {ident()}(): void {{" if k == 0 else f"const {ident()} = \"{body}\";")
    return body.capitalize() + "."
def json_doc(target):
    parts, size = [], 0
    while size < target:
        p = f'    "{ident()}-{rng.randint(0, 99999)}": {{"version": "{rng.randint(0, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 99)}", "resolved": "https://registry.example/{ident()}", "integrity": "sha512-{rng.getrandbits(128):032x}"}}'
        parts.append(p)
        size += len(p) + 2
    return '{\n  "name": "' + ident() + '",\n  "packages": {\n' + ",\n".join(parts) + "\n  }\n}\n"

target = int(noise_mb * 1024 * 1024)
exts = [".ts", ".ts", ".py", ".go", ".md", ".json"]
dirs = ["src", "src/lib", "src/server", "pkg/api", "internal/store", "docs", "tests", "scripts/tools"]
noise_files = 0
noise_bytes = 0
slots = [os.path.join(out, f"q{c * 4 // copies + 1}", f"copy-{c:03d}", name) for c in range(copies) for name, _, _ in repos]
i = 0
while noise_bytes < target:
    base = slots[i % len(slots)]
    ext = rng.choice(exts)
    size = int(rng.lognormvariate(8.6, 0.9))  # median ~5 KiB, long tail
    size = min(max(size, 200), 400_000)
    if ext == ".json":
        text = json_doc(size)
    else:
        lines, n = [], 0
        while n < size:
            l = line(ext)
            lines.append(l)
            n += len(l) + 1
        text = "\n".join(lines) + "\n"
    path = os.path.join(base, rng.choice(dirs), f"{ident()}_{i}{ext}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    noise_files += 1
    noise_bytes += len(text)
    i += 1

with open(out + ".dockerfiles", "w") as f:
    f.write("".join(os.path.relpath(d) + "\n" for d in dockerfiles))
stats = {
    "repositories_per_copy": len(repos), "copies": copies, "container_files": n_config,
    "container_bytes": config_bytes, "dockerfiles": len(dockerfiles),
    "noise_files": noise_files, "noise_bytes": noise_bytes,
}
with open(out + ".stats", "w") as f:
    f.write("".join(f"{k}\t{v}\n" for k, v in stats.items()))
print(" ".join(f"{k}={v}" for k, v in stats.items()))
