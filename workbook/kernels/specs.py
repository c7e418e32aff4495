"""The ``workbook`` kernelspec, and the managers that find it: for nbclient and for servers.

The kernelspec ships inside the package (``spec/workbook/kernel.json``): ipykernel's own
command, with the ``workbook-fork`` provisioner named in its metadata. :class:`KernelSpecs`
finds it before any installed kernelspec; :class:`KernelManager` is an AsyncKernelManager that
looks kernels up there, for ``NotebookClient(kernel_manager_class=KernelManager)``.

The surprise: with ``python3`` on, the name "python3" gets the workbook kernelspec too, under
ipykernel's display name. The guided notebooks keep "python3" in their metadata, so they open
unchanged in a plain Jupyter and with forked kernels in the workbook's servers, and saving
them there leaves their metadata as it was.
"""

from __future__ import annotations

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, default

from . import KERNEL_NAME, SPEC_DIR

NATIVE_DISPLAY_NAME = "Python 3 (ipykernel)"


class KernelSpecs(KernelSpecManager):
    """The installed kernelspecs, and the workbook's (forked kernels) before them."""

    python3 = Bool(
        False,
        config=True,
        help='Serve the name "python3" with the workbook kernelspec (forked kernels) too.',
    )

    def find_kernel_specs(self) -> dict[str, str]:
        found = super().find_kernel_specs()
        ours = str(SPEC_DIR / KERNEL_NAME)
        if self.python3:
            found[NATIVE_KERNEL_NAME] = ours  # one Python in a launcher, not two
            found.pop(KERNEL_NAME, None)
        else:
            found[KERNEL_NAME] = ours
        return found

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == KERNEL_NAME or (self.python3 and kernel_name == NATIVE_KERNEL_NAME):
            spec = self._get_kernel_spec_by_name(KERNEL_NAME, str(SPEC_DIR / KERNEL_NAME))
            if kernel_name == NATIVE_KERNEL_NAME:
                spec.display_name = NATIVE_DISPLAY_NAME
            return spec
        return super().get_kernel_spec(kernel_name)


class KernelManager(AsyncKernelManager):
    """An asynchronous kernel manager whose kernelspecs come from :class:`KernelSpecs`."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return KernelSpecs(data_dir=self.data_dir, python3=True)
