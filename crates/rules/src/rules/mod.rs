//! The rules, one file each. The doc comment of each rule struct is its
//! documentation; [`crate::registry`] lists them.

pub mod capabilities_not_dropped;
pub mod copy_without_chown;
pub mod dangerous_capability;
pub mod dev_dependencies_in_image;
pub mod device_access;
pub mod docker_socket_in_image;
pub mod docker_socket_mount;
pub mod full_os_base_image;
pub mod hardcoded_password;
pub mod host_namespace;
pub mod host_takeover_chain;
pub mod missing_healthcheck;
pub mod missing_no_new_privileges;
pub mod missing_pids_limit;
pub mod missing_resource_limits;
pub mod missing_user;
pub mod privileged_container;
pub mod privileged_port;
pub mod project_root_mount;
pub mod published_on_all_interfaces;
pub mod remote_script_execution;
pub mod root_user;
pub mod runs_as_root;
pub mod secret_file_in_image;
pub mod secret_in_environment;
pub mod secret_in_image;
pub mod security_profile_disabled;
pub mod sensitive_host_mount;
pub mod sudo_in_image;
pub mod syntax_error;
pub mod unpinned_base_image;
pub mod unpinned_image;
pub mod unused_ignore;
pub mod writable_bind_mount;
pub mod writable_root_filesystem;
