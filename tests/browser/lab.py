"""What the browser tests (and bench/server_memory.py) wait for in JupyterLab's page."""

# The status bar names the notebook's kernel and its state once the kernel is connected. (The
# toolbar's execution indicator is no signal: it says "idle" before any kernel has started.)
KERNEL_IDLE = """() => /\\(ipykernel\\)\\s*\\|\\s*Idle/.test(
    document.querySelector('#jp-main-statusbar')?.innerText ?? '')"""
# Every code cell has run: each input prompt shows its execution count.
ALL_RUN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
