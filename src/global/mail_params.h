/*
 * mail_params - names and defaults of main.cf parameters
 *
 * This header names every main.cf parameter as a pair: VAR_NAME is the
 * main.cf name and DEF_NAME its default, both spelled like the main.cf
 * name. A default may refer to other parameters ($name, ${name?value},
 * ${name:value}, ${{$a} <level {3.6} ? {x} : {y}}); config_get_*()
 * (config.h) expands it when the value is read. Parameters whose default
 * depends on the system (myhostname, mydomain, mynetworks, process_id,
 * process_name) have no DEF_ macro: config_compute.c works them out.
 *
 * This part lists the general parameters: names and identity, paths,
 * processes, logging and networks. The other parts, included at the end,
 * list the queue and delivery, SMTP server, SMTP/LMTP client and TLS
 * parameters. Programs include this header only.
 */
#ifndef MAIL_PARAMS_H
#define MAIL_PARAMS_H

/* The compatibility default of the fingerprint digests. */
#define DEF_FINGERPRINT_DIGEST_CL36 "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}"

#define VAR_ALTERNATE_CONFIG_DIRECTORIES "alternate_config_directories"
#define DEF_ALTERNATE_CONFIG_DIRECTORIES ""

#define VAR_ANVIL_RATE_TIME_UNIT "anvil_rate_time_unit"
#define DEF_ANVIL_RATE_TIME_UNIT "60s"

#define VAR_ANVIL_STATUS_UPDATE_TIME "anvil_status_update_time"
#define DEF_ANVIL_STATUS_UPDATE_TIME "600s"

#define VAR_APPLICATION_EVENT_DRAIN_TIME "application_event_drain_time"
#define DEF_APPLICATION_EVENT_DRAIN_TIME "100s"

#define VAR_AUTHORIZED_MAILQ_USERS "authorized_mailq_users"
#define DEF_AUTHORIZED_MAILQ_USERS "static:anyone"

#define VAR_AUTHORIZED_SUBMIT_USERS "authorized_submit_users"
#define DEF_AUTHORIZED_SUBMIT_USERS "static:anyone"

#define VAR_BERKELEY_DB_CREATE_BUFFER_SIZE "berkeley_db_create_buffer_size"
#define DEF_BERKELEY_DB_CREATE_BUFFER_SIZE "16777216"

#define VAR_BERKELEY_DB_READ_BUFFER_SIZE "berkeley_db_read_buffer_size"
#define DEF_BERKELEY_DB_READ_BUFFER_SIZE "131072"

#define VAR_BROKEN_SASL_AUTH_CLIENTS "broken_sasl_auth_clients"
#define DEF_BROKEN_SASL_AUTH_CLIENTS "no"

#define VAR_CLEANUP_REPLACE_STRAY_CR_LF "cleanup_replace_stray_cr_lf"
#define DEF_CLEANUP_REPLACE_STRAY_CR_LF "yes"

#define VAR_CLEANUP_SERVICE_NAME "cleanup_service_name"
#define DEF_CLEANUP_SERVICE_NAME "cleanup"

#define VAR_COMPATIBILITY_LEVEL "compatibility_level"
#define DEF_COMPATIBILITY_LEVEL "0"

#define VAR_CONFIG_DIRECTORY "config_directory"
#define DEF_CONFIG_DIRECTORY "/etc/postfix"

#define VAR_CONNECTION_CACHE_PROTOCOL_TIMEOUT "connection_cache_protocol_timeout"
#define DEF_CONNECTION_CACHE_PROTOCOL_TIMEOUT "5s"

#define VAR_CONNECTION_CACHE_SERVICE_NAME "connection_cache_service_name"
#define DEF_CONNECTION_CACHE_SERVICE_NAME "scache"

#define VAR_CONNECTION_CACHE_STATUS_UPDATE_TIME "connection_cache_status_update_time"
#define DEF_CONNECTION_CACHE_STATUS_UPDATE_TIME "600s"

#define VAR_CONNECTION_CACHE_TTL_LIMIT "connection_cache_ttl_limit"
#define DEF_CONNECTION_CACHE_TTL_LIMIT "2s"

#define VAR_CONTENT_FILTER "content_filter"
#define DEF_CONTENT_FILTER ""

#define VAR_CYRUS_SASL_CONFIG_PATH "cyrus_sasl_config_path"
#define DEF_CYRUS_SASL_CONFIG_PATH ""

#define VAR_DAEMON_DIRECTORY "daemon_directory"
#define DEF_DAEMON_DIRECTORY "/usr/libexec/postfix"

#define VAR_DAEMON_TABLE_OPEN_ERROR_IS_FATAL "daemon_table_open_error_is_fatal"
#define DEF_DAEMON_TABLE_OPEN_ERROR_IS_FATAL "no"

#define VAR_DAEMON_TIMEOUT "daemon_timeout"
#define DEF_DAEMON_TIMEOUT "18000s"

#define VAR_DATA_DIRECTORY "data_directory"
#define DEF_DATA_DIRECTORY "/var/lib/postfix"

#define VAR_DEBUG_PEER_LEVEL "debug_peer_level"
#define DEF_DEBUG_PEER_LEVEL "2"

#define VAR_DEBUG_PEER_LIST "debug_peer_list"
#define DEF_DEBUG_PEER_LIST ""

#define VAR_DEBUGGER_COMMAND "debugger_command"
#define DEF_DEBUGGER_COMMAND ""

#define VAR_DEFAULT_DATABASE_TYPE "default_database_type"
#define DEF_DEFAULT_DATABASE_TYPE "hash"

#define VAR_DEFAULT_FILTER_NEXTHOP "default_filter_nexthop"
#define DEF_DEFAULT_FILTER_NEXTHOP ""

#define VAR_DEFAULT_PRIVS "default_privs"
#define DEF_DEFAULT_PRIVS "nobody"

#define VAR_DEFAULT_PROCESS_LIMIT "default_process_limit"
#define DEF_DEFAULT_PROCESS_LIMIT "100"

#define VAR_DEFER_SERVICE_NAME "defer_service_name"
#define DEF_DEFER_SERVICE_NAME "defer"

#define VAR_DISABLE_DNS_LOOKUPS "disable_dns_lookups"
#define DEF_DISABLE_DNS_LOOKUPS "no"

#define VAR_DISABLE_VRFY_COMMAND "disable_vrfy_command"
#define DEF_DISABLE_VRFY_COMMAND "no"

#define VAR_DNS_NCACHE_TTL_FIX_ENABLE "dns_ncache_ttl_fix_enable"
#define DEF_DNS_NCACHE_TTL_FIX_ENABLE "no"

#define VAR_DNSSEC_PROBE "dnssec_probe"
#define DEF_DNSSEC_PROBE "ns:."

#define VAR_DONT_REMOVE "dont_remove"
#define DEF_DONT_REMOVE "0"

#define VAR_ENABLE_IDNA2003_COMPATIBILITY "enable_idna2003_compatibility"
#define DEF_ENABLE_IDNA2003_COMPATIBILITY "no"

#define VAR_ERROR_SERVICE_NAME "error_service_name"
#define DEF_ERROR_SERVICE_NAME "error"

#define VAR_EXPORT_ENVIRONMENT "export_environment"
#define DEF_EXPORT_ENVIRONMENT "TZ MAIL_CONFIG LANG"

#define VAR_FAULT_INJECTION_CODE "fault_injection_code"
#define DEF_FAULT_INJECTION_CODE "0"

#define VAR_HELPFUL_WARNINGS "helpful_warnings"
#define DEF_HELPFUL_WARNINGS "yes"

#define VAR_HTML_DIRECTORY "html_directory"
#define DEF_HTML_DIRECTORY "no"

#define VAR_IGNORE_MX_LOOKUP_ERROR "ignore_mx_lookup_error"
#define DEF_IGNORE_MX_LOOKUP_ERROR "no"

#define VAR_IMPORT_ENVIRONMENT "import_environment"
#define DEF_IMPORT_ENVIRONMENT                                                                     \
    "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ XAUTHORITY DISPLAY LANG=C POSTLOG_SERVICE "             \
    "POSTLOG_HOSTNAME"

#define VAR_INET_INTERFACES "inet_interfaces"
#define DEF_INET_INTERFACES "all"

#define VAR_INET_PROTOCOLS "inet_protocols"
#define DEF_INET_PROTOCOLS "all"

#define VAR_INFO_LOG_ADDRESS_FORMAT "info_log_address_format"
#define DEF_INFO_LOG_ADDRESS_FORMAT "external"

#define VAR_IPC_IDLE "ipc_idle"
#define DEF_IPC_IDLE "5s"

#define VAR_IPC_TIMEOUT "ipc_timeout"
#define DEF_IPC_TIMEOUT "3600s"

#define VAR_IPC_TTL "ipc_ttl"
#define DEF_IPC_TTL "1000s"

#define VAR_KNOWN_TCP_PORTS "known_tcp_ports"
#define DEF_KNOWN_TCP_PORTS "lmtp=24, smtp=25, smtps=submissions=465, submission=587"

#define VAR_LINE_LENGTH_LIMIT "line_length_limit"
#define DEF_LINE_LENGTH_LIMIT "2048"

#define VAR_LMDB_MAP_SIZE "lmdb_map_size"
#define DEF_LMDB_MAP_SIZE "16777216"

#define VAR_MAIL_NAME "mail_name"
#define DEF_MAIL_NAME "Postern"

#define VAR_MAIL_OWNER "mail_owner"
#define DEF_MAIL_OWNER "postfix"

#define VAR_MAIL_RELEASE_DATE "mail_release_date"
#define DEF_MAIL_RELEASE_DATE "20261124"

#define VAR_MAIL_VERSION "mail_version"
#define DEF_MAIL_VERSION "3.8.0"

#define VAR_MAILLOG_FILE "maillog_file"
#define DEF_MAILLOG_FILE ""

#define VAR_MAILLOG_FILE_COMPRESSOR "maillog_file_compressor"
#define DEF_MAILLOG_FILE_COMPRESSOR "gzip"

#define VAR_MAILLOG_FILE_PREFIXES "maillog_file_prefixes"
#define DEF_MAILLOG_FILE_PREFIXES "/var, /dev/stdout"

#define VAR_MAILLOG_FILE_ROTATE_SUFFIX "maillog_file_rotate_suffix"
#define DEF_MAILLOG_FILE_ROTATE_SUFFIX "%Y%m%d-%H%M%S"

#define VAR_MAILQ_PATH "mailq_path"
#define DEF_MAILQ_PATH "/usr/bin/mailq"

#define VAR_MANPAGE_DIRECTORY "manpage_directory"
#define DEF_MANPAGE_DIRECTORY "/usr/local/man"

#define VAR_MASTER_SERVICE_DISABLE "master_service_disable"
#define DEF_MASTER_SERVICE_DISABLE ""

#define VAR_MAX_IDLE "max_idle"
#define DEF_MAX_IDLE "100s"

#define VAR_META_DIRECTORY "meta_directory"
#define DEF_META_DIRECTORY "/etc/postfix"

#define VAR_MULTI_INSTANCE_DIRECTORIES "multi_instance_directories"
#define DEF_MULTI_INSTANCE_DIRECTORIES ""

#define VAR_MULTI_INSTANCE_ENABLE "multi_instance_enable"
#define DEF_MULTI_INSTANCE_ENABLE "no"

#define VAR_MULTI_INSTANCE_GROUP "multi_instance_group"
#define DEF_MULTI_INSTANCE_GROUP ""

#define VAR_MULTI_INSTANCE_NAME "multi_instance_name"
#define DEF_MULTI_INSTANCE_NAME ""

#define VAR_MULTI_INSTANCE_WRAPPER "multi_instance_wrapper"
#define DEF_MULTI_INSTANCE_WRAPPER ""

#define VAR_MYDESTINATION "mydestination"
#define DEF_MYDESTINATION "$myhostname, localhost.$mydomain, localhost"

#define VAR_MYDOMAIN "mydomain"
/* DEF_MYDOMAIN: computed at run time */

#define VAR_MYHOSTNAME "myhostname"
/* DEF_MYHOSTNAME: computed at run time */

#define VAR_MYNETWORKS "mynetworks"
/* DEF_MYNETWORKS: computed at run time */

#define VAR_MYNETWORKS_STYLE "mynetworks_style"
#define DEF_MYNETWORKS_STYLE "${{$compatibility_level} <level {2} ? {subnet} : {host}}"

#define VAR_MYORIGIN "myorigin"
#define DEF_MYORIGIN "$myhostname"

#define VAR_PARENT_DOMAIN_MATCHES_SUBDOMAINS "parent_domain_matches_subdomains"
#define DEF_PARENT_DOMAIN_MATCHES_SUBDOMAINS                                                       \
    "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_"    \
    "clients,relay_domains,smtpd_access_maps"

#define VAR_PERMIT_MX_BACKUP_NETWORKS "permit_mx_backup_networks"
#define DEF_PERMIT_MX_BACKUP_NETWORKS ""

#define VAR_PICKUP_SERVICE_NAME "pickup_service_name"
#define DEF_PICKUP_SERVICE_NAME "pickup"

#define VAR_POSTLOG_SERVICE_NAME "postlog_service_name"
#define DEF_POSTLOG_SERVICE_NAME "postlog"

#define VAR_POSTLOGD_WATCHDOG_TIMEOUT "postlogd_watchdog_timeout"
#define DEF_POSTLOGD_WATCHDOG_TIMEOUT "10s"

#define VAR_POSTMULTI_CONTROL_COMMANDS "postmulti_control_commands"
#define DEF_POSTMULTI_CONTROL_COMMANDS "reload flush"

#define VAR_POSTMULTI_START_COMMANDS "postmulti_start_commands"
#define DEF_POSTMULTI_START_COMMANDS "start"

#define VAR_POSTMULTI_STOP_COMMANDS "postmulti_stop_commands"
#define DEF_POSTMULTI_STOP_COMMANDS "stop abort drain quick-stop"

#define VAR_PROCESS_ID "process_id"
/* DEF_PROCESS_ID: computed at run time */

#define VAR_PROCESS_ID_DIRECTORY "process_id_directory"
#define DEF_PROCESS_ID_DIRECTORY "pid"

#define VAR_PROCESS_NAME "process_name"
/* DEF_PROCESS_NAME: computed at run time */

#define VAR_PROXY_INTERFACES "proxy_interfaces"
#define DEF_PROXY_INTERFACES ""

#define VAR_PROXY_READ_MAPS "proxy_read_maps"
#define DEF_PROXY_READ_MAPS                                                                        \
    "$local_recipient_maps $mydestination $virtual_alias_maps $virtual_alias_domains "             \
    "$virtual_mailbox_maps $virtual_mailbox_domains $relay_recipient_maps $relay_domains "         \
    "$canonical_maps $sender_canonical_maps $recipient_canonical_maps $relocated_maps "            \
    "$transport_maps $mynetworks $smtpd_sender_login_maps $sender_bcc_maps $recipient_bcc_maps "   \
    "$smtp_generic_maps $lmtp_generic_maps $alias_maps $smtpd_client_restrictions "                \
    "$smtpd_helo_restrictions $smtpd_sender_restrictions $smtpd_relay_restrictions "               \
    "$smtpd_recipient_restrictions $address_verify_sender_dependent_default_transport_maps "       \
    "$address_verify_sender_dependent_relayhost_maps $address_verify_transport_maps "              \
    "$fallback_transport_maps $lmtp_discard_lhlo_keyword_address_maps $lmtp_pix_workaround_maps "  \
    "$lmtp_sasl_password_maps $lmtp_tls_policy_maps $mailbox_command_maps "                        \
    "$mailbox_transport_maps $postscreen_discard_ehlo_keyword_address_maps $rbl_reply_maps "       \
    "$sender_dependent_default_transport_maps $sender_dependent_relayhost_maps "                   \
    "$smtp_discard_ehlo_keyword_address_maps $smtp_pix_workaround_maps $smtp_sasl_password_maps "  \
    "$smtp_tls_policy_maps $smtpd_discard_ehlo_keyword_address_maps $smtpd_milter_maps "           \
    "$virtual_gid_maps $virtual_uid_maps $local_login_sender_maps $postscreen_reject_footer_maps " \
    "$smtpd_reject_footer_maps $tls_server_sni_maps $tlsproxy_client_policy_maps "                 \
    "$default_delivery_status_filter $lmtp_delivery_status_filter $lmtp_dns_reply_filter "         \
    "$lmtp_reply_filter $local_delivery_status_filter $pipe_delivery_status_filter "               \
    "$postscreen_command_filter $smtp_delivery_status_filter $smtp_dns_reply_filter "              \
    "$smtp_reply_filter $smtpd_command_filter $smtpd_dns_reply_filter "                            \
    "$virtual_delivery_status_filter $body_checks $header_checks $lmtp_body_checks "               \
    "$lmtp_header_checks $lmtp_mime_header_checks $lmtp_nested_header_checks "                     \
    "$milter_header_checks $mime_header_checks $nested_header_checks $smtp_body_checks "           \
    "$smtp_header_checks $smtp_mime_header_checks $smtp_nested_header_checks"

#define VAR_PROXY_WRITE_MAPS "proxy_write_maps"
#define DEF_PROXY_WRITE_MAPS                                                                       \
    "$smtp_sasl_auth_cache_name $lmtp_sasl_auth_cache_name $address_verify_map "                   \
    "$postscreen_cache_map"

#define VAR_PROXYMAP_SERVICE_NAME "proxymap_service_name"
#define DEF_PROXYMAP_SERVICE_NAME "proxymap"

#define VAR_PROXYWRITE_SERVICE_NAME "proxywrite_service_name"
#define DEF_PROXYWRITE_SERVICE_NAME "proxywrite"

#define VAR_README_DIRECTORY "readme_directory"
#define DEF_README_DIRECTORY "no"

#define VAR_REJECT_TEMPFAIL_ACTION "reject_tempfail_action"
#define DEF_REJECT_TEMPFAIL_ACTION "defer_if_permit"

/* Not a Postfix parameter: Postfix has a fixed 100-second limit. */
#define VAR_REMOTE_TABLE_TIMEOUT "remote_table_timeout"
#define DEF_REMOTE_TABLE_TIMEOUT "100s"

#define VAR_RESPECTFUL_LOGGING "respectful_logging"
#define DEF_RESPECTFUL_LOGGING "${{$compatibility_level} <level {3.6} ? {no} : {yes}}"

#define VAR_REWRITE_SERVICE_NAME "rewrite_service_name"
#define DEF_REWRITE_SERVICE_NAME "rewrite"

#define VAR_SAMPLE_DIRECTORY "sample_directory"
#define DEF_SAMPLE_DIRECTORY "/etc/postfix"

#define VAR_SEND_CYRUS_SASL_AUTHZID "send_cyrus_sasl_authzid"
#define DEF_SEND_CYRUS_SASL_AUTHZID "no"

#define VAR_SENDMAIL_FIX_LINE_ENDINGS "sendmail_fix_line_endings"
#define DEF_SENDMAIL_FIX_LINE_ENDINGS "always"

#define VAR_SENDMAIL_PATH "sendmail_path"
#define DEF_SENDMAIL_PATH "/usr/sbin/sendmail"

#define VAR_SERVICE_NAME "service_name"
#define DEF_SERVICE_NAME ""

#define VAR_SERVICE_THROTTLE_TIME "service_throttle_time"
#define DEF_SERVICE_THROTTLE_TIME "60s"

#define VAR_SETGID_GROUP "setgid_group"
#define DEF_SETGID_GROUP "postdrop"

#define VAR_SHLIB_DIRECTORY "shlib_directory"
#define DEF_SHLIB_DIRECTORY "no"

#define VAR_SHOWQ_SERVICE_NAME "showq_service_name"
#define DEF_SHOWQ_SERVICE_NAME "showq"

#define VAR_STRESS "stress"
#define DEF_STRESS ""

#define VAR_SUN_MAILTOOL_COMPATIBILITY "sun_mailtool_compatibility"
#define DEF_SUN_MAILTOOL_COMPATIBILITY "no"

#define VAR_SYSLOG_FACILITY "syslog_facility"
#define DEF_SYSLOG_FACILITY "mail"

#define VAR_SYSLOG_NAME "syslog_name"
#define DEF_SYSLOG_NAME "${multi_instance_name?{$multi_instance_name}:{postfix}}"

#define VAR_TCP_WINDOWSIZE "tcp_windowsize"
#define DEF_TCP_WINDOWSIZE "0"

#define VAR_TRACE_SERVICE_NAME "trace_service_name"
#define DEF_TRACE_SERVICE_NAME "trace"

#define VAR_TRIGGER_TIMEOUT "trigger_timeout"
#define DEF_TRIGGER_TIMEOUT "10s"

#define VAR_UNKNOWN_ADDRESS_TEMPFAIL_ACTION "unknown_address_tempfail_action"
#define DEF_UNKNOWN_ADDRESS_TEMPFAIL_ACTION "$reject_tempfail_action"

#define VAR_UNKNOWN_HELO_HOSTNAME_TEMPFAIL_ACTION "unknown_helo_hostname_tempfail_action"
#define DEF_UNKNOWN_HELO_HOSTNAME_TEMPFAIL_ACTION "$reject_tempfail_action"

#include "mail_params_queue.h"
#include "mail_params_smtpd.h"
#include "mail_params_smtp.h"
#include "mail_params_tls.h"

#endif
