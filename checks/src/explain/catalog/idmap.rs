//! Id mapping causes: newuidmap and newgidmap, the subordinate ranges of
//! /etc/subuid and /etc/subgid, and the mappings a bundle's config.json asks
//! for.

use super::{
    confirmed_by, confirmed_by_codes, named, root, shared, specific, user, Cause, Fix, Pattern,
    CRUN_GID_MAP_EPERM, CRUN_UID_MAP_EPERM, DOCKER_SERVICE, DOCKER_SERVICE_JOB, FAILED_NEWGID_MAP,
    FAILED_NEWUID_MAP, FINAL_CHILD_PID, NEWGIDMAP_EPERM, NEWUIDMAP_EPERM, ROOTLESSKIT_FAILED,
    SETUP_NAMESPACE_USING, SETUP_NAMESPACE_USING_OLD, SYNC_USERMAP,
};
use crate::{bundle, idmap, state, subid};

// Id shortage wording shared by subuid-no-entry, subuid-range-insufficient
// and subuid-stale-pause-process.
const INSUFFICIENT_IDS: Pattern =
    shared("potentially insufficient uids or gids available in user namespace");
const NOT_ENOUGH_IDS: Pattern = shared("there might not be enough ids available in the namespace");
const LCHOWN_EINVAL: Pattern = shared("lchown…: invalid argument");
const SETUP_USER_EINVAL: Pattern = shared("setup user: invalid argument");

const INSTALL_UIDMAP_FIX: Fix = root(
    "install newuidmap and newgidmap (Debian/Ubuntu: uidmap; Fedora/RHEL: shadow-utils; \
     Arch, openSUSE: shadow; Alpine: shadow-uidmap) and make sure they are on the PATH the \
     runtime sees",
    &[],
);
const REINSTALL_UIDMAP_FIX: Fix = root(
    "make newuidmap and newgidmap setuid root (or give them cap_setuid/cap_setgid file \
     capabilities) on a filesystem mounted without nosuid; reinstalling the package restores it",
    &[
        "chown root:root /usr/bin/newuidmap /usr/bin/newgidmap",
        "chmod u+s /usr/bin/newuidmap /usr/bin/newgidmap",
    ],
);
const ADD_SUBIDS_FIX: Fix = root(
    "give the user a subordinate id range that overlaps no one else's, then reset podman's \
     user namespace with `podman system migrate` (as the user)",
    &["usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>"],
);
const MIGRATE_FIX: Fix = user(
    "stop podman's pause process so the next command builds a new user namespace",
    &["podman system migrate"],
);

pub(super) const CAUSES: &[Cause] = &[
    Cause {
        id: "newuidmap-missing",
        title: "newuidmap/newgidmap not installed or not on PATH",
        explanation: "Mapping more than the own id into a user namespace needs the privileged \
            helpers newuidmap and newgidmap from shadow. Without them the runtime can map only \
            `0 <uid> 1`; runc then stops with \"mapping tool not present\", podman asks for \
            the command, crun falls back to a single mapping.",
        patterns: &[
            specific("mapping tool not present"),
            specific("\"newuidmap\": executable file not found"),
            specific("\"newgidmap\": executable file not found"),
            specific("finding newuidmap"),
            specific("finding newgidmap"),
            specific("newuidmap binary not found"),
            specific("newuidmap/newgidmap binaries could not be found in path"),
            specific("command required for rootless mode with multiple ids"),
            shared("unable to invoke \"newuidmap\""),
            shared("unable to invoke \"newgidmap\""),
            shared("using rootless single mapping into the namespace"),
            FINAL_CHILD_PID,
            SYNC_USERMAP,
            ROOTLESSKIT_FAILED,
        ],
        checks: &[
            confirmed_by_codes(&idmap::NEWUIDMAP, &[idmap::Code::NotFound.code(), idmap::Code::NotOnPath.code()]),
            confirmed_by_codes(&idmap::NEWGIDMAP, &[idmap::Code::NotFound.code(), idmap::Code::NotOnPath.code()]),
        ],
        remediation: &[INSTALL_UIDMAP_FIX],
        yields_to: &[],
    },
    Cause {
        id: "newuidmap-unprivileged",
        title: "newuidmap/newgidmap present but not privileged",
        explanation: "The helpers must be setuid root or carry cap_setuid/cap_setgid file \
            capabilities, on a filesystem mounted without nosuid, and NoNewPrivs must be off. \
            Otherwise the kernel lets them write only the caller's own id and the write to \
            uid_map fails with EPERM.",
        patterns: &[
            named("should have setuid or have filecaps"),
            specific("could not set caps"),
            shared("unable to invoke \"newuidmap\""),
            shared("unable to invoke \"newgidmap\""),
            shared("error from newuidmap"),
            shared("gid_map': operation not permitted"),
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            CRUN_UID_MAP_EPERM,
            CRUN_GID_MAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            confirmed_by_codes(&idmap::NEWUIDMAP, &[idmap::Code::NotRootOwned.code(), idmap::Code::SetuidWithFileCaps.code(), idmap::Code::NotPrivileged.code(), idmap::Code::FileCapsLackCapability.code(), idmap::Code::FileCapsNotEffective.code(), idmap::Code::FileCapsNamespaced.code(), idmap::Code::FileCapsInvalid.code(), idmap::Code::FileCapsUnreadable.code(), idmap::Code::NosuidMount.code(), idmap::Code::NoNewPrivs.code()]),
            confirmed_by_codes(&idmap::NEWGIDMAP, &[idmap::Code::NotRootOwned.code(), idmap::Code::SetuidWithFileCaps.code(), idmap::Code::NotPrivileged.code(), idmap::Code::FileCapsLackCapability.code(), idmap::Code::FileCapsNotEffective.code(), idmap::Code::FileCapsNamespaced.code(), idmap::Code::FileCapsInvalid.code(), idmap::Code::FileCapsUnreadable.code(), idmap::Code::NosuidMount.code(), idmap::Code::NoNewPrivs.code()]),
            confirmed_by_codes(&idmap::MULTI_MAP, &[idmap::Code::HelperUnprivileged.code(), idmap::Code::MapWriteRefused.code()]),
        ],
        remediation: &[REINSTALL_UIDMAP_FIX],
        yields_to: &["subuid-range-invalid", "newuidmap-target-owner-mismatch"],
    },
    Cause {
        id: "subuid-no-entry",
        title: "no subordinate id range for the user",
        explanation: "The user has no line in /etc/subuid or /etc/subgid (created before \
            automatic allocation, by busybox adduser, useradd -r, or an LDAP/SSSD account). \
            Without a range only the user's own id can be mapped, so images with other owners \
            fail to unpack.",
        patterns: &[
            named("no subuid ranges found"),
            named("no subgid ranges found"),
            specific("cannot find uid/gid for user"),
            specific("has no subuids"),
            // toolbox
            specific("/etc/subgid and /etc/subuid don't have entries for user"),
            specific("missing subgid and/or subuid ranges for user"),
            specific("could not find records for the current user"),
            // rootlesskit with /etc/subuid or /etc/subgid absent
            specific("failed to compute uid/gid map: open /etc/sub"),
            shared("user not listed in /etc/subuid"),
            shared("using rootless single mapping into the namespace"),
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            LCHOWN_EINVAL,
            SETUP_USER_EINVAL,
            ROOTLESSKIT_FAILED,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[
            confirmed_by_codes(&subid::SUBUID, &[subid::Code::FileMissing.code(), subid::Code::NoEntry.code()]),
            confirmed_by_codes(&subid::SUBGID, &[subid::Code::FileMissing.code(), subid::Code::NoEntry.code()]),
        ],
        remediation: &[ADD_SUBIDS_FIX, MIGRATE_FIX],
        yields_to: &["userns-auto-no-ids"],
    },
    Cause {
        id: "subuid-range-insufficient",
        title: "subordinate id range too small for the image",
        explanation: "A range exists but holds fewer ids than the image or --user needs \
            (65536 covers ordinary images). Files owned by an id outside the mapping cannot \
            be created: lchown answers EINVAL and podman reports insufficient ids.",
        patterns: &[
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            // moby 25+: `failed to Lchown "<path>" for UID <n>, GID <n> (try increasing …)`
            specific("try increasing the number of subordinate ids in /etc/subuid and /etc/subgid"),
            shared("not enough unused ids in user namespace"),
            shared("user not listed in /etc/subuid"),
            LCHOWN_EINVAL,
            SETUP_USER_EINVAL,
            shared("chown…: invalid argument"),
        ],
        checks: &[
            confirmed_by_codes(&subid::SUBUID, &[subid::Code::TooFewIds.code()]),
            confirmed_by_codes(&subid::SUBGID, &[subid::Code::TooFewIds.code()]),
        ],
        remediation: &[
            root(
                "enlarge the user's range (65536 ids or more, reaching the highest id the \
                 image uses), then run `podman system migrate` as the user",
                &["usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>"],
            ),
            user(
                "or collapse all file owners to the user: ignore_chown_errors = \"true\" under \
                 [storage.options.overlay] in ~/.config/containers/storage.conf",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "subuid-stale-pause-process",
        title: "podman still uses a user namespace made before /etc/subuid was fixed",
        explanation: "Podman keeps its user namespace alive in a pause process. After \
            /etc/subuid or /etc/subgid change, podman keeps reusing the old, smaller mapping \
            until the pause process is stopped.",
        patterns: &[
            specific("invalid internal status, try resetting the pause process"),
            specific("unable to create a new pause process"),
            specific("failed to join existing conmon namespace"),
            // pause.pid names a pause process that is gone
            specific("could not get runtime: open /proc/…/ns/user: no such file or directory"),
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            LCHOWN_EINVAL,
        ],
        checks: &[confirmed_by_codes(
            &state::PAUSE_PROCESS,
            &[state::Code::StaleMappings.code()],
        )],
        remediation: &[MIGRATE_FIX],
        yields_to: &[],
    },
    Cause {
        id: "subuid-range-invalid",
        title: "subordinate range unusable, or the mapping asked for is not allowed",
        explanation: "newuidmap accepts a mapping only when every host range lies inside the \
            user's own /etc/subuid ranges (or is the single own id). A range that contains the \
            user's own uid, overlapping lines, or a config asking for ids outside the ranges \
            is refused (`not allowed`, or EINVAL from the kernel).",
        patterns: &[
            specific("uid range […) -> […) not allowed"),
            specific("gid range […) -> […) not allowed"),
            specific("write to uid_map failed: invalid argument"),
            specific("write to gid_map failed: invalid argument"),
            specific("includes the user uid"),
            specific("host id is in the range of subids"),
            specific("can't get unique subordinate uid range"),
            // sysbox-mgr wants the same range in /etc/subuid and /etc/subgid
            specific("could not find matching subuid and subgids range"),
            // crun writing a --uidmap/--gidmap that spans two extents of the
            // rootless namespace
            shared("writing file \"/proc/…/uid_map\": operation not permitted"),
            shared("writing file \"/proc/…/gid_map\": operation not permitted"),
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            CRUN_UID_MAP_EPERM,
            CRUN_GID_MAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            confirmed_by_codes(&subid::SUBUID, &[subid::Code::HoldsOwnId.code(), subid::Code::PastIdSpace.code(), subid::Code::OverlapsOtherRange.code(), subid::Code::MalformedLines.code()]),
            confirmed_by_codes(&subid::SUBGID, &[subid::Code::HoldsOwnId.code(), subid::Code::PastIdSpace.code(), subid::Code::OverlapsOtherRange.code(), subid::Code::MalformedLines.code()]),
            confirmed_by_codes(&idmap::MULTI_MAP, &[idmap::Code::RangeNotAllowed.code(), idmap::Code::MapWriteRefused.code()]),
            confirmed_by_codes(&bundle::UID_MAPPINGS, &[bundle::Code::OutsideSubordinateRanges.code()]),
            confirmed_by_codes(&bundle::GID_MAPPINGS, &[bundle::Code::OutsideSubordinateRanges.code()]),
        ],
        remediation: &[
            root(
                "rewrite the user's lines as one clean block outside the login id range \
                 (delete the old range first), then `podman system migrate` or restart \
                 rootless Docker",
                &[
                    "usermod --del-subuids <old-range> --del-subgids <old-range> <user>",
                    "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>",
                ],
            ),
            user(
                "or map only host ids inside the user's ranges in config.json \
                 (`rootless-doctor mappings` prints mappings that fit)",
                &["rootless-doctor mappings"],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "newuidmap-target-owner-mismatch",
        title: "newuidmap refuses: the target process looks owned by another user",
        explanation: "newuidmap checks that /proc/<pid> of the target belongs to the caller \
            and that the caller's real gid is its passwd primary group. /proc mounted with \
            hidepid=/gid=, grsecurity, or running under newgrp/sg breaks that check.",
        patterns: &[
            specific("is owned by a different user"),
            specific("newuidmap: target"),
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
        ],
        checks: &[confirmed_by_codes(&idmap::MULTI_MAP, &[idmap::Code::TargetOwnerMismatch.code()])],
        remediation: &[root(
            "remount /proc without a group override (drop gid=/hidepid= from the proc line of \
             /etc/fstab), or run the runtime with the user's primary group",
            &["mount -o remount,hidepid=0 /proc"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "runc-rootless-config",
        title: "bundle not prepared for rootless use (no user namespace or no mappings)",
        explanation: "Run as a normal user, runc needs a user namespace in \
            linux.namespaces and uid and gid mappings in config.json. A bundle made by a \
            plain `runc spec` has neither; youki refuses the same way and crun warns and adds \
            one.",
        patterns: &[
            specific("rootless container requires user namespaces"),
            specific("rootless containers require user namespaces"),
            specific("rootless containers requires at least one uid mapping"),
            specific("rootless containers requires at least one gid mapping"),
            specific("user namespaces enabled, but no uid mappings found"),
            specific("user namespaces enabled, but no gid mappings found"),
            specific("rootless container requires valid user namespace definition"),
            specific("new user namespace requires valid uid mappings"),
            specific("new user namespace requires valid gid mappings"),
            specific("non root user need to have an 'user' namespace"),
            specific("user namespaces enabled, but no namespace path to join nor mappings to apply specified"),
        ],
        checks: &[confirmed_by(&bundle::UID_MAPPINGS), confirmed_by(&bundle::GID_MAPPINGS)],
        remediation: &[user(
            "generate the bundle's config for rootless use, or add a user namespace and map \
             your own id to 0",
            &["runc spec --rootless"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-root-unmapped",
        title: "container uid 0 or gid 0 not mapped in config.json",
        explanation: "runc (and youki) need container root to be mapped: runc looks up the host \
            ids of container 0 to own device nodes and the exec fifo before anything starts. \
            Mappings that start at another container id fail with \"no user mapping found\".",
        patterns: &[
            specific("user namespaces enabled, but no user mapping found"),
            specific("user namespaces enabled, but no group mapping found"),
            specific("no mapping found for uid 0"),
            specific("no mapping found for gid 0"),
            shared("failed to become root in user namespace"),
        ],
        checks: &[confirmed_by(&bundle::UID_MAPPINGS), confirmed_by(&bundle::GID_MAPPINGS)],
        remediation: &[user(
            "map container id 0 in linux.uidMappings and linux.gidMappings (for runc: to your \
             own uid and gid)",
            &["rootless-doctor mappings"],
        )],
        yields_to: &["bundle-mount-option-unmapped"],
    },
    Cause {
        id: "runc-exec-fifo-chown",
        title: "runc: container root is not mapped to the calling user",
        explanation: "Rootless runc creates its exec fifo (and, in the foreground without a \
            terminal, the stdio pipes) as the caller and then chowns them to the host ids of \
            container root. An unprivileged chown works only to one's own uid and groups, so \
            any mapping of container 0 to another host id (a subordinate id) fails with EPERM, \
            even one newuidmap would accept.",
        patterns: &[
            specific("exec.fifo: operation not permitted"),
            specific("fchown fd…operation not permitted"),
        ],
        checks: &[confirmed_by(&bundle::UID_MAPPINGS), confirmed_by(&bundle::GID_MAPPINGS)],
        remediation: &[
            user(
                "map container 0 to your own uid and gid (subordinate ids after it), as \
                 `runc spec --rootless` does",
                &["rootless-doctor mappings"],
            ),
            user(
                "or run runc inside a prepared user namespace (`podman unshare runc …`, \
                 `rootlesskit runc …`), or use crun, which never chowns the fifo",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "bundle-id-map-invalid",
        title: "uid/gid mappings in config.json are malformed",
        explanation: "The kernel rejects a map with overlapping ranges, a zero size, too many \
            lines or ids beyond 32 bits with EINVAL, before any permission check; youki also \
            refuses a single-line map that is not your own id.",
        patterns: &[
            specific("failed to update /proc/…uid_map: invalid argument"),
            specific("failed to update /proc/…gid_map: invalid argument"),
            specific("failed to write id mapping"),
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            confirmed_by_codes(&bundle::UID_MAPPINGS, &[bundle::Code::MalformedEntry.code(), bundle::Code::TooManyEntries.code()]),
            confirmed_by_codes(&bundle::GID_MAPPINGS, &[bundle::Code::MalformedEntry.code(), bundle::Code::TooManyEntries.code()]),
        ],
        remediation: &[user(
            "rewrite linux.uidMappings/gidMappings as non-overlapping ranges with sizes above 0",
            &["rootless-doctor mappings"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-user-unmapped",
        title: "process.user uid or gid not mapped",
        explanation: "The container process switches to process.user.uid and gid inside the \
            user namespace; an id without a mapping cannot be set (EINVAL).",
        patterns: &[
            specific("cannot set uid to unmapped user in user namespace"),
            specific("cannot set gid to unmapped user in user namespace"),
            specific("cannot setuid to unmapped uid"),
            specific("cannot setgid to unmapped gid"),
            SETUP_USER_EINVAL,
        ],
        checks: &[confirmed_by(&bundle::USER)],
        remediation: &[user(
            "use a process.user that the mappings cover, or extend the mappings to it",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-additional-gids",
        title: "additional groups requested in a rootless container",
        explanation: "A rootless runtime cannot call setgroups (the kernel denies it after \
            mapping without newgidmap, and runc never does it rootless), so \
            process.user.additionalGids cannot be honoured: runc and youki refuse, crun ignores \
            them.",
        patterns: &[
            specific("cannot set any additional groups in a rootless container"),
            specific("unprivileged user can't set supplementary groups"),
            specific("supplementary group needs to be mapped in the gid mappings"),
        ],
        checks: &[confirmed_by_codes(&bundle::USER, &[bundle::Code::AdditionalGids.code()])],
        remediation: &[user("remove process.user.additionalGids from config.json", &[])],
        yields_to: &[],
    },
    Cause {
        id: "bundle-mount-option-unmapped",
        title: "a mount's uid=/gid= option names an unmapped id",
        explanation: "Options like devpts gid=5 or tmpfs uid=N refer to container ids; in a \
            rootless container they must be mapped. A single-id mapping does not map gid 5, so \
            the default devpts mount of a plain `runc spec` fails.",
        patterns: &[
            specific("mount options for unmapped"),
            specific("mount option for rootless container"),
            specific("mount options require mapping valid"),
            specific("mount \"devpts\" to \"dev/pts\": invalid argument"),
        ],
        checks: &[confirmed_by(&bundle::MOUNTS)],
        remediation: &[user(
            "drop the uid=/gid= options from the mounts (runc spec --rootless does), or map \
             those ids",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-mount-rootless-unsupported",
        title: "a mount or device a rootless container cannot have",
        explanation: "Some config.json features need real root: id-mapped mounts and network \
            devices are refused by runc and youki when rootless.",
        patterns: &[
            specific("id-mapped mounts are not supported for rootless containers"),
            specific("idmapped mounts are not supported in rootless containers"),
            specific("network devices are not supported for rootless containers"),
            specific("network devices are not supported in rootless containers"),
        ],
        checks: &[confirmed_by(&bundle::MOUNTS)],
        remediation: &[user("remove those mounts or linux.netDevices from config.json", &[])],
        yields_to: &[],
    },
    Cause {
        id: "userns-auto-no-ids",
        title: "rootful podman --userns=auto has no ids to hand out",
        explanation: "With --userns=auto, root podman takes ranges from the subordinate ids of \
            the user `containers`. Without that user and its ranges, or once earlier \
            containers used them up, it cannot allocate a namespace (storage 1.43, as in \
            podman 4.3.1: \"could not find enough available IDs\").",
        patterns: &[
            specific("cannot find mappings for user \"containers\""),
            specific("not enough unused ids in user namespace"),
            // containers/storage before 1.45 (podman 4.3.1 on Debian 12).
            specific("could not find enough available ids"),
        ],
        checks: &[confirmed_by_codes(
            &subid::AUTO_USERNS,
            &[subid::Code::ContainersNoEntry.code(), subid::Code::ContainersFewIds.code()],
        )],
        remediation: &[root(
            "create the helper user, which also allocates its range, and enlarge the range",
            &["useradd --comment 'Helper user to reserve subuids and subgids for Podman' --no-create-home --shell /usr/sbin/nologin containers"],
        )],
        yields_to: &[],
    },
];
