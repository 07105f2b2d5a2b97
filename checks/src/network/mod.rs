//! Rootless networking: the user-mode helper each engine uses, /dev/net/tun,
//! privileged ports and ICMP sockets.
//!
//! [`helper`] (`network.helper`), [`tun`] (`network.tun`), [`ports`]
//! (`network.ports`), [`ping`] (`network.ping`). Which engines are installed
//! and which helper each uses comes from [`crate::engines::network`].
//!
//! Decisions: docs/checks/network.md.

pub mod codes;
pub mod helper;
pub mod ping;
pub mod ports;
pub mod tun;

pub use codes::Code;
pub use helper::HELPER;
pub use ping::PING;
pub use ports::PORTS;
pub use tun::TUN;
