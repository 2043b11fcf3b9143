//! `hgctl support-bundle`.

use super::args::{GlobalArgs, SupportBundleArgs};
use crate::error::{Error, Result};

pub async fn run(_global: &GlobalArgs, _args: &SupportBundleArgs) -> Result<()> {
    Err(Error::NotImplemented {
        command: "support-bundle".into(),
    })
}
