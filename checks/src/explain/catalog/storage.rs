//! Storage causes: overlayfs in a user namespace, fuse-overlayfs and
//! /dev/fuse, unsuitable backing filesystems and driver configuration.

use super::{
    confirmed_by, confirmed_by_codes, root, shared, specific, user, Cause, Fix, LSETXATTR_ENOTSUP,
};
use crate::{mount, storage};

const FUSE_OVERLAYFS_FIX: Fix = root(
    "install fuse-overlayfs (and fuse3) and point the storage at it: \
     mount_program = \"/usr/bin/fuse-overlayfs\" under [storage.options.overlay] in \
     ~/.config/containers/storage.conf, or use a kernel >= 5.11",
    &[],
);

pub(super) const CAUSES: &[Cause] = &[
    Cause {
        id: "overlay-rootless-kernel-unsupported",
        title: "kernel cannot mount overlayfs in a user namespace",
        explanation: "Native overlayfs inside a user namespace needs Linux 5.11 (5.13 with \
            SELinux enforcing) or an Ubuntu kernel. Older kernels need fuse-overlayfs as the \
            mount program.",
        patterns: &[
            specific("kernel does not support overlay fs"),
            specific("error creating overlay mount to…operation not permitted"),
            specific("createdirwithoverlayopaque"),
            specific("overlayfs is not enabled"),
            shared("error processing tar file(exit status 1): operation not permitted"),
        ],
        checks: &[confirmed_by(&mount::OVERLAY)],
        remediation: &[FUSE_OVERLAYFS_FIX],
        yields_to: &[
            "overlay-whiteout-nested",
            "overlay-backing-fs-unsupported",
            "fuse-device-unavailable",
            "fuse-overlayfs-or-fusermount-missing",
            "storage-on-network-fs",
        ],
    },
    Cause {
        id: "overlay-backing-fs-unsupported",
        title: "storage on a filesystem overlayfs cannot use",
        explanation: "The graph root sits on btrfs, ZFS, ecryptfs, aufs, another overlay or XFS \
            without d_type, which native overlay refuses as upper or lower layer.",
        patterns: &[
            specific("is not supported over"),
            specific("backing file system is unsupported for this graph driver"),
            specific("a mount_program is required"),
            specific("a mount program is required"),
            specific("formatted without d_type support"),
            // the kernel's own complaint about XFS with ftype=0
            specific("upper fs needs to support d_type"),
            shared("driver not supported"),
        ],
        checks: &[
            confirmed_by_codes(
                &storage::DRIVER,
                &[
                    storage::Code::NoDType.code(),
                    storage::Code::OverlayRefused.code(),
                ],
            ),
            confirmed_by_codes(
                &storage::GRAPHROOT,
                &[storage::Code::NeedsMountProgram.code()],
            ),
        ],
        remediation: &[
            FUSE_OVERLAYFS_FIX,
            user(
                "or move graphroot in ~/.config/containers/storage.conf to ext4 or xfs \
                 (ftype=1), then `podman system reset`",
                &[],
            ),
        ],
        yields_to: &["storage-on-network-fs"],
    },
    Cause {
        id: "fuse-device-unavailable",
        title: "/dev/fuse missing or not usable",
        explanation: "fuse-overlayfs needs /dev/fuse: the fuse module must be loaded and, in a \
            container, the device passed in.",
        patterns: &[
            specific("fuse: device not found"),
            specific("fuse-overlayfs: cannot mount"),
            specific("fuse-overlayfs not functional"),
            specific("module fuse not found"),
        ],
        checks: &[confirmed_by_codes(
            &mount::FUSE_OVERLAYFS,
            &[
                mount::Code::DevFuseMissing.code(),
                mount::Code::DevFuseNotOpenable.code(),
            ],
        )],
        remediation: &[root(
            "load the fuse module now and at boot (in a container: --device /dev/fuse)",
            &["modprobe fuse", "echo fuse > /etc/modules-load.d/fuse.conf"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "fuse-overlayfs-or-fusermount-missing",
        title: "fuse-overlayfs or fusermount3 not installed",
        explanation: "storage.conf names a mount_program that is not installed, or fuse3's \
            fusermount3 is missing.",
        patterns: &[
            specific("can't stat program"),
            specific("failed to exec fusermount"),
            specific("fuse-overlayfs…needs to be present under $path"),
            specific("\"fuse-overlayfs\": executable file not found"),
        ],
        checks: &[confirmed_by_codes(
            &mount::FUSE_OVERLAYFS,
            &[mount::Code::NotInstalled.code()],
        )],
        remediation: &[root(
            "install fuse-overlayfs and fuse3, or remove mount_program from storage.conf on \
             kernels >= 5.11",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "storage-on-network-fs",
        title: "container storage on NFS or another network filesystem",
        explanation: "NFS, Lustre, GPFS and CIFS servers check file ownership by real uid and \
            often lack xattrs, so files owned by subordinate ids cannot be created.",
        patterns: &[
            specific("network file system detected as backing store"),
            specific("a network file system with user namespaces is not supported"),
            // containers/storage names the backing filesystem by its magic
            // (graphdriver.FsNames): nfs, smb (CIFS/SMB), gpfs.
            specific("is not supported over nfs"),
            specific("is not supported over smb"),
            specific("is not supported over gpfs"),
            shared("lchown…: operation not permitted"),
            shared("applylayer exit status 1…permission denied"),
            LSETXATTR_ENOTSUP,
        ],
        checks: &[confirmed_by_codes(
            &storage::GRAPHROOT,
            &[storage::Code::NetworkFilesystem.code()],
        )],
        remediation: &[user(
            "put the storage on a local disk: graphroot = \"/var/tmp/<user>/containers/storage\" \
             in ~/.config/containers/storage.conf (Docker: data-root in \
             ~/.config/docker/daemon.json)",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "storage-driver-config-mismatch",
        title: "storage driver differs from the one the store was created with",
        explanation: "The store was initialised with one graph driver and the configuration \
            now names another (or none).",
        patterns: &[
            specific("does not match our…graph driver"),
            specific("overwritten by graph driver"),
            specific("storage 'driver' option"),
            specific("delete libpod local files"),
            specific("does not support overlay.mount_program"),
        ],
        checks: &[confirmed_by_codes(
            &storage::DRIVER,
            &[storage::Code::StoreDriverMismatch.code()],
        )],
        remediation: &[user(
            "pick one driver in ~/.config/containers/storage.conf, then reset the store \
             (removes local images and containers)",
            &["podman system reset"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "overlay-whiteout-nested",
        title: "overlay whiteouts impossible inside a container",
        explanation: "Podman or Buildah inside a container without CAP_MKNOD cannot create the \
            device nodes overlayfs uses as whiteouts.",
        patterns: &[specific("unable to create kernel-style whiteout")],
        checks: &[confirmed_by_codes(
            &storage::DRIVER,
            &[storage::Code::WhiteoutRefused.code()],
        )],
        remediation: &[user(
            "give the inner storage a volume (-v ./storage:/var/lib/containers/storage), run \
             the outer container --privileged or with --device /dev/fuse, or use driver = \"vfs\" \
             inside",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "storage-no-space",
        title: "no space left for the container storage",
        explanation: "Images are unpacked and containers written under the graph root; when \
            its filesystem (often the home) is full, pulls, builds and commits fail with \
            ENOSPC. vfs copies every layer in full and fills it fastest.",
        patterns: &[
            specific("processing tar file…no space left on device"),
            specific("writing blob…no space left on device"),
            specific("committing container…no space left on device"),
            specific("containers/storage/…no space left on device"),
            specific("/share/docker/…no space left on device"),
        ],
        checks: &[confirmed_by_codes(
            &storage::GRAPHROOT,
            &[storage::Code::LowSpace.code()],
        )],
        remediation: &[user(
            "free space (`podman system prune -a`, `podman image prune`), or move graphroot in \
             ~/.config/containers/storage.conf to a larger local filesystem",
            &["podman system df", "podman system prune -a"],
        )],
        yields_to: &[],
    },
];
