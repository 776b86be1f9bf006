/*
 * mail_params_smtpd - SMTP server and postscreen parameters
 *
 * Part of mail_params.h: include that instead. TLS parameters are in
 * mail_params_tls.h.
 */
#ifndef MAIL_PARAMS_SMTPD_H
#define MAIL_PARAMS_SMTPD_H

#define VAR_ACCESS_MAP_DEFER_CODE "access_map_defer_code"
#define DEF_ACCESS_MAP_DEFER_CODE "450"

#define VAR_ACCESS_MAP_REJECT_CODE "access_map_reject_code"
#define DEF_ACCESS_MAP_REJECT_CODE "554"

#define VAR_DEFER_CODE "defer_code"
#define DEF_DEFER_CODE "450"

#define VAR_DNSBLOG_REPLY_DELAY "dnsblog_reply_delay"
#define DEF_DNSBLOG_REPLY_DELAY "0s"

#define VAR_DNSBLOG_SERVICE_NAME "dnsblog_service_name"
#define DEF_DNSBLOG_SERVICE_NAME "dnsblog"

#define VAR_INVALID_HOSTNAME_REJECT_CODE "invalid_hostname_reject_code"
#define DEF_INVALID_HOSTNAME_REJECT_CODE "501"

#define VAR_MAPS_RBL_REJECT_CODE "maps_rbl_reject_code"
#define DEF_MAPS_RBL_REJECT_CODE "554"

#define VAR_MULTI_RECIPIENT_BOUNCE_REJECT_CODE "multi_recipient_bounce_reject_code"
#define DEF_MULTI_RECIPIENT_BOUNCE_REJECT_CODE "550"

#define VAR_NON_FQDN_REJECT_CODE "non_fqdn_reject_code"
#define DEF_NON_FQDN_REJECT_CODE "504"

#define VAR_PLAINTEXT_REJECT_CODE "plaintext_reject_code"
#define DEF_PLAINTEXT_REJECT_CODE "450"

#define VAR_POSTSCREEN_ACCESS_LIST "postscreen_access_list"
#define DEF_POSTSCREEN_ACCESS_LIST "permit_mynetworks"

#define VAR_POSTSCREEN_ALLOWLIST_INTERFACES "postscreen_allowlist_interfaces"
#define DEF_POSTSCREEN_ALLOWLIST_INTERFACES                                                        \
    "${postscreen_whitelist_interfaces?{$postscreen_whitelist_interfaces}:{static:all}}"

#define VAR_POSTSCREEN_BARE_NEWLINE_ACTION "postscreen_bare_newline_action"
#define DEF_POSTSCREEN_BARE_NEWLINE_ACTION "ignore"

#define VAR_POSTSCREEN_BARE_NEWLINE_ENABLE "postscreen_bare_newline_enable"
#define DEF_POSTSCREEN_BARE_NEWLINE_ENABLE "no"

#define VAR_POSTSCREEN_BARE_NEWLINE_TTL "postscreen_bare_newline_ttl"
#define DEF_POSTSCREEN_BARE_NEWLINE_TTL "30d"

#define VAR_POSTSCREEN_CACHE_CLEANUP_INTERVAL "postscreen_cache_cleanup_interval"
#define DEF_POSTSCREEN_CACHE_CLEANUP_INTERVAL "12h"

#define VAR_POSTSCREEN_CACHE_MAP "postscreen_cache_map"
#define DEF_POSTSCREEN_CACHE_MAP "btree:$data_directory/postscreen_cache"

#define VAR_POSTSCREEN_CACHE_RETENTION_TIME "postscreen_cache_retention_time"
#define DEF_POSTSCREEN_CACHE_RETENTION_TIME "7d"

#define VAR_POSTSCREEN_CLIENT_CONNECTION_COUNT_LIMIT "postscreen_client_connection_count_limit"
#define DEF_POSTSCREEN_CLIENT_CONNECTION_COUNT_LIMIT "$smtpd_client_connection_count_limit"

#define VAR_POSTSCREEN_COMMAND_COUNT_LIMIT "postscreen_command_count_limit"
#define DEF_POSTSCREEN_COMMAND_COUNT_LIMIT "20"

#define VAR_POSTSCREEN_COMMAND_FILTER "postscreen_command_filter"
#define DEF_POSTSCREEN_COMMAND_FILTER ""

#define VAR_POSTSCREEN_COMMAND_TIME_LIMIT "postscreen_command_time_limit"
#define DEF_POSTSCREEN_COMMAND_TIME_LIMIT "${stress?{10}:{300}}s"

#define VAR_POSTSCREEN_DENYLIST_ACTION "postscreen_denylist_action"
#define DEF_POSTSCREEN_DENYLIST_ACTION                                                             \
    "${postscreen_blacklist_action?{$postscreen_blacklist_action}:{ignore}}"

#define VAR_POSTSCREEN_DISABLE_VRFY_COMMAND "postscreen_disable_vrfy_command"
#define DEF_POSTSCREEN_DISABLE_VRFY_COMMAND "$disable_vrfy_command"

#define VAR_POSTSCREEN_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS                                           \
    "postscreen_discard_ehlo_keyword_address_maps"
#define DEF_POSTSCREEN_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS "$smtpd_discard_ehlo_keyword_address_maps"

#define VAR_POSTSCREEN_DISCARD_EHLO_KEYWORDS "postscreen_discard_ehlo_keywords"
#define DEF_POSTSCREEN_DISCARD_EHLO_KEYWORDS "$smtpd_discard_ehlo_keywords"

#define VAR_POSTSCREEN_DNSBL_ACTION "postscreen_dnsbl_action"
#define DEF_POSTSCREEN_DNSBL_ACTION "ignore"

#define VAR_POSTSCREEN_DNSBL_ALLOWLIST_THRESHOLD "postscreen_dnsbl_allowlist_threshold"
#define DEF_POSTSCREEN_DNSBL_ALLOWLIST_THRESHOLD                                                   \
    "${postscreen_dnsbl_whitelist_threshold?{$postscreen_dnsbl_whitelist_threshold}:{0}}"

#define VAR_POSTSCREEN_DNSBL_MAX_TTL "postscreen_dnsbl_max_ttl"
#define DEF_POSTSCREEN_DNSBL_MAX_TTL "${postscreen_dnsbl_ttl?{$postscreen_dnsbl_ttl}:{1}}h"

#define VAR_POSTSCREEN_DNSBL_MIN_TTL "postscreen_dnsbl_min_ttl"
#define DEF_POSTSCREEN_DNSBL_MIN_TTL "60s"

#define VAR_POSTSCREEN_DNSBL_REPLY_MAP "postscreen_dnsbl_reply_map"
#define DEF_POSTSCREEN_DNSBL_REPLY_MAP ""

#define VAR_POSTSCREEN_DNSBL_SITES "postscreen_dnsbl_sites"
#define DEF_POSTSCREEN_DNSBL_SITES ""

#define VAR_POSTSCREEN_DNSBL_THRESHOLD "postscreen_dnsbl_threshold"
#define DEF_POSTSCREEN_DNSBL_THRESHOLD "1"

#define VAR_POSTSCREEN_DNSBL_TIMEOUT "postscreen_dnsbl_timeout"
#define DEF_POSTSCREEN_DNSBL_TIMEOUT "10s"

#define VAR_POSTSCREEN_EXPANSION_FILTER "postscreen_expansion_filter"
#define DEF_POSTSCREEN_EXPANSION_FILTER "$smtpd_expansion_filter"

#define VAR_POSTSCREEN_FORBIDDEN_COMMANDS "postscreen_forbidden_commands"
#define DEF_POSTSCREEN_FORBIDDEN_COMMANDS "$smtpd_forbidden_commands"

#define VAR_POSTSCREEN_GREET_ACTION "postscreen_greet_action"
#define DEF_POSTSCREEN_GREET_ACTION "ignore"

#define VAR_POSTSCREEN_GREET_BANNER "postscreen_greet_banner"
#define DEF_POSTSCREEN_GREET_BANNER "$smtpd_banner"

#define VAR_POSTSCREEN_GREET_TTL "postscreen_greet_ttl"
#define DEF_POSTSCREEN_GREET_TTL "1d"

#define VAR_POSTSCREEN_GREET_WAIT "postscreen_greet_wait"
#define DEF_POSTSCREEN_GREET_WAIT "${stress?{2}:{6}}s"

#define VAR_POSTSCREEN_HELO_REQUIRED "postscreen_helo_required"
#define DEF_POSTSCREEN_HELO_REQUIRED "$smtpd_helo_required"

#define VAR_POSTSCREEN_NON_SMTP_COMMAND_ACTION "postscreen_non_smtp_command_action"
#define DEF_POSTSCREEN_NON_SMTP_COMMAND_ACTION "drop"

#define VAR_POSTSCREEN_NON_SMTP_COMMAND_ENABLE "postscreen_non_smtp_command_enable"
#define DEF_POSTSCREEN_NON_SMTP_COMMAND_ENABLE "no"

#define VAR_POSTSCREEN_NON_SMTP_COMMAND_TTL "postscreen_non_smtp_command_ttl"
#define DEF_POSTSCREEN_NON_SMTP_COMMAND_TTL "30d"

#define VAR_POSTSCREEN_PIPELINING_ACTION "postscreen_pipelining_action"
#define DEF_POSTSCREEN_PIPELINING_ACTION "enforce"

#define VAR_POSTSCREEN_PIPELINING_ENABLE "postscreen_pipelining_enable"
#define DEF_POSTSCREEN_PIPELINING_ENABLE "no"

#define VAR_POSTSCREEN_PIPELINING_TTL "postscreen_pipelining_ttl"
#define DEF_POSTSCREEN_PIPELINING_TTL "30d"

#define VAR_POSTSCREEN_POST_QUEUE_LIMIT "postscreen_post_queue_limit"
#define DEF_POSTSCREEN_POST_QUEUE_LIMIT "$default_process_limit"

#define VAR_POSTSCREEN_PRE_QUEUE_LIMIT "postscreen_pre_queue_limit"
#define DEF_POSTSCREEN_PRE_QUEUE_LIMIT "$default_process_limit"

#define VAR_POSTSCREEN_REJECT_FOOTER "postscreen_reject_footer"
#define DEF_POSTSCREEN_REJECT_FOOTER "$smtpd_reject_footer"

#define VAR_POSTSCREEN_REJECT_FOOTER_MAPS "postscreen_reject_footer_maps"
#define DEF_POSTSCREEN_REJECT_FOOTER_MAPS "$smtpd_reject_footer_maps"

#define VAR_POSTSCREEN_UPSTREAM_PROXY_PROTOCOL "postscreen_upstream_proxy_protocol"
#define DEF_POSTSCREEN_UPSTREAM_PROXY_PROTOCOL ""

#define VAR_POSTSCREEN_UPSTREAM_PROXY_TIMEOUT "postscreen_upstream_proxy_timeout"
#define DEF_POSTSCREEN_UPSTREAM_PROXY_TIMEOUT "5s"

#define VAR_POSTSCREEN_WATCHDOG_TIMEOUT "postscreen_watchdog_timeout"
#define DEF_POSTSCREEN_WATCHDOG_TIMEOUT "10s"

#define VAR_QMQPD_AUTHORIZED_CLIENTS "qmqpd_authorized_clients"
#define DEF_QMQPD_AUTHORIZED_CLIENTS ""

#define VAR_QMQPD_CLIENT_PORT_LOGGING "qmqpd_client_port_logging"
#define DEF_QMQPD_CLIENT_PORT_LOGGING "no"

#define VAR_QMQPD_ERROR_DELAY "qmqpd_error_delay"
#define DEF_QMQPD_ERROR_DELAY "1s"

#define VAR_QMQPD_TIMEOUT "qmqpd_timeout"
#define DEF_QMQPD_TIMEOUT "300s"

#define VAR_REJECT_CODE "reject_code"
#define DEF_REJECT_CODE "554"

#define VAR_RELAY_DOMAINS_REJECT_CODE "relay_domains_reject_code"
#define DEF_RELAY_DOMAINS_REJECT_CODE "554"

#define VAR_SMTPD_AUTHORIZED_VERP_CLIENTS "smtpd_authorized_verp_clients"
#define DEF_SMTPD_AUTHORIZED_VERP_CLIENTS "$authorized_verp_clients"

#define VAR_SMTPD_AUTHORIZED_XCLIENT_HOSTS "smtpd_authorized_xclient_hosts"
#define DEF_SMTPD_AUTHORIZED_XCLIENT_HOSTS ""

#define VAR_SMTPD_AUTHORIZED_XFORWARD_HOSTS "smtpd_authorized_xforward_hosts"
#define DEF_SMTPD_AUTHORIZED_XFORWARD_HOSTS ""

#define VAR_SMTPD_BANNER "smtpd_banner"
#define DEF_SMTPD_BANNER "$myhostname ESMTP $mail_name"

#define VAR_SMTPD_CLIENT_AUTH_RATE_LIMIT "smtpd_client_auth_rate_limit"
#define DEF_SMTPD_CLIENT_AUTH_RATE_LIMIT "0"

#define VAR_SMTPD_CLIENT_CONNECTION_COUNT_LIMIT "smtpd_client_connection_count_limit"
#define DEF_SMTPD_CLIENT_CONNECTION_COUNT_LIMIT "50"

#define VAR_SMTPD_CLIENT_CONNECTION_RATE_LIMIT "smtpd_client_connection_rate_limit"
#define DEF_SMTPD_CLIENT_CONNECTION_RATE_LIMIT "0"

#define VAR_SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS "smtpd_client_event_limit_exceptions"
#define DEF_SMTPD_CLIENT_EVENT_LIMIT_EXCEPTIONS                                                    \
    "${smtpd_client_connection_limit_exceptions:$mynetworks}"

#define VAR_SMTPD_CLIENT_MESSAGE_RATE_LIMIT "smtpd_client_message_rate_limit"
#define DEF_SMTPD_CLIENT_MESSAGE_RATE_LIMIT "0"

#define VAR_SMTPD_CLIENT_PORT_LOGGING "smtpd_client_port_logging"
#define DEF_SMTPD_CLIENT_PORT_LOGGING "no"

#define VAR_SMTPD_CLIENT_RECIPIENT_RATE_LIMIT "smtpd_client_recipient_rate_limit"
#define DEF_SMTPD_CLIENT_RECIPIENT_RATE_LIMIT "0"

#define VAR_SMTPD_CLIENT_RESTRICTIONS "smtpd_client_restrictions"
#define DEF_SMTPD_CLIENT_RESTRICTIONS ""

#define VAR_SMTPD_COMMAND_FILTER "smtpd_command_filter"
#define DEF_SMTPD_COMMAND_FILTER ""

#define VAR_SMTPD_DATA_RESTRICTIONS "smtpd_data_restrictions"
#define DEF_SMTPD_DATA_RESTRICTIONS ""

#define VAR_SMTPD_DELAY_OPEN_UNTIL_VALID_RCPT "smtpd_delay_open_until_valid_rcpt"
#define DEF_SMTPD_DELAY_OPEN_UNTIL_VALID_RCPT "yes"

#define VAR_SMTPD_DELAY_REJECT "smtpd_delay_reject"
#define DEF_SMTPD_DELAY_REJECT "yes"

#define VAR_SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS "smtpd_discard_ehlo_keyword_address_maps"
#define DEF_SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS ""

#define VAR_SMTPD_DISCARD_EHLO_KEYWORDS "smtpd_discard_ehlo_keywords"
#define DEF_SMTPD_DISCARD_EHLO_KEYWORDS ""

#define VAR_SMTPD_DNS_REPLY_FILTER "smtpd_dns_reply_filter"
#define DEF_SMTPD_DNS_REPLY_FILTER ""

#define VAR_SMTPD_END_OF_DATA_RESTRICTIONS "smtpd_end_of_data_restrictions"
#define DEF_SMTPD_END_OF_DATA_RESTRICTIONS ""

#define VAR_SMTPD_ERROR_SLEEP_TIME "smtpd_error_sleep_time"
#define DEF_SMTPD_ERROR_SLEEP_TIME "1s"

#define VAR_SMTPD_ETRN_RESTRICTIONS "smtpd_etrn_restrictions"
#define DEF_SMTPD_ETRN_RESTRICTIONS ""

#define VAR_SMTPD_EXPANSION_FILTER "smtpd_expansion_filter"
#define DEF_SMTPD_EXPANSION_FILTER                                                                 \
    "\\t\\40!\"#$%&'()*+,-./"                                                                      \
    "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

#define VAR_SMTPD_FORBID_BARE_NEWLINE "smtpd_forbid_bare_newline"
#define DEF_SMTPD_FORBID_BARE_NEWLINE "normalize"

#define VAR_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS "smtpd_forbid_bare_newline_exclusions"
#define DEF_SMTPD_FORBID_BARE_NEWLINE_EXCLUSIONS "$mynetworks"

#define VAR_SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE "smtpd_forbid_bare_newline_reject_code"
#define DEF_SMTPD_FORBID_BARE_NEWLINE_REJECT_CODE "550"

#define VAR_SMTPD_FORBID_UNAUTH_PIPELINING "smtpd_forbid_unauth_pipelining"
#define DEF_SMTPD_FORBID_UNAUTH_PIPELINING "yes"

#define VAR_SMTPD_FORBIDDEN_COMMANDS "smtpd_forbidden_commands"
#define DEF_SMTPD_FORBIDDEN_COMMANDS "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}"

#define VAR_SMTPD_HARD_ERROR_LIMIT "smtpd_hard_error_limit"
#define DEF_SMTPD_HARD_ERROR_LIMIT "${stress?{1}:{20}}"

#define VAR_SMTPD_HELO_REQUIRED "smtpd_helo_required"
#define DEF_SMTPD_HELO_REQUIRED "no"

#define VAR_SMTPD_HELO_RESTRICTIONS "smtpd_helo_restrictions"
#define DEF_SMTPD_HELO_RESTRICTIONS ""

#define VAR_SMTPD_HISTORY_FLUSH_THRESHOLD "smtpd_history_flush_threshold"
#define DEF_SMTPD_HISTORY_FLUSH_THRESHOLD "100"

#define VAR_SMTPD_JUNK_COMMAND_LIMIT "smtpd_junk_command_limit"
#define DEF_SMTPD_JUNK_COMMAND_LIMIT "${stress?{1}:{100}}"

#define VAR_SMTPD_LOG_ACCESS_PERMIT_ACTIONS "smtpd_log_access_permit_actions"
#define DEF_SMTPD_LOG_ACCESS_PERMIT_ACTIONS ""

#define VAR_SMTPD_MILTER_MAPS "smtpd_milter_maps"
#define DEF_SMTPD_MILTER_MAPS ""

#define VAR_SMTPD_MILTERS "smtpd_milters"
#define DEF_SMTPD_MILTERS ""

#define VAR_SMTPD_MIN_DATA_RATE "smtpd_min_data_rate"
#define DEF_SMTPD_MIN_DATA_RATE "500"

#define VAR_SMTPD_NOOP_COMMANDS "smtpd_noop_commands"
#define DEF_SMTPD_NOOP_COMMANDS ""

#define VAR_SMTPD_NULL_ACCESS_LOOKUP_KEY "smtpd_null_access_lookup_key"
#define DEF_SMTPD_NULL_ACCESS_LOOKUP_KEY "<>"

#define VAR_SMTPD_PEERNAME_LOOKUP "smtpd_peername_lookup"
#define DEF_SMTPD_PEERNAME_LOOKUP "yes"

#define VAR_SMTPD_PER_REQUEST_DEADLINE "smtpd_per_request_deadline"
#define DEF_SMTPD_PER_REQUEST_DEADLINE                                                             \
    "${smtpd_per_record_deadline?{$smtpd_per_record_deadline}:{${stress?{yes}:{no}}}}"

#define VAR_SMTPD_POLICY_SERVICE_DEFAULT_ACTION "smtpd_policy_service_default_action"
#define DEF_SMTPD_POLICY_SERVICE_DEFAULT_ACTION "451 4.3.5 Server configuration problem"

#define VAR_SMTPD_POLICY_SERVICE_MAX_IDLE "smtpd_policy_service_max_idle"
#define DEF_SMTPD_POLICY_SERVICE_MAX_IDLE "300s"

#define VAR_SMTPD_POLICY_SERVICE_MAX_TTL "smtpd_policy_service_max_ttl"
#define DEF_SMTPD_POLICY_SERVICE_MAX_TTL "1000s"

#define VAR_SMTPD_POLICY_SERVICE_POLICY_CONTEXT "smtpd_policy_service_policy_context"
#define DEF_SMTPD_POLICY_SERVICE_POLICY_CONTEXT ""

#define VAR_SMTPD_POLICY_SERVICE_REQUEST_LIMIT "smtpd_policy_service_request_limit"
#define DEF_SMTPD_POLICY_SERVICE_REQUEST_LIMIT "0"

#define VAR_SMTPD_POLICY_SERVICE_RETRY_DELAY "smtpd_policy_service_retry_delay"
#define DEF_SMTPD_POLICY_SERVICE_RETRY_DELAY "1s"

#define VAR_SMTPD_POLICY_SERVICE_TIMEOUT "smtpd_policy_service_timeout"
#define DEF_SMTPD_POLICY_SERVICE_TIMEOUT "100s"

#define VAR_SMTPD_POLICY_SERVICE_TRY_LIMIT "smtpd_policy_service_try_limit"
#define DEF_SMTPD_POLICY_SERVICE_TRY_LIMIT "2"

#define VAR_SMTPD_PROXY_EHLO "smtpd_proxy_ehlo"
#define DEF_SMTPD_PROXY_EHLO "$myhostname"

#define VAR_SMTPD_PROXY_FILTER "smtpd_proxy_filter"
#define DEF_SMTPD_PROXY_FILTER ""

#define VAR_SMTPD_PROXY_OPTIONS "smtpd_proxy_options"
#define DEF_SMTPD_PROXY_OPTIONS ""

#define VAR_SMTPD_PROXY_TIMEOUT "smtpd_proxy_timeout"
#define DEF_SMTPD_PROXY_TIMEOUT "100s"

#define VAR_SMTPD_RECIPIENT_LIMIT "smtpd_recipient_limit"
#define DEF_SMTPD_RECIPIENT_LIMIT "1000"

#define VAR_SMTPD_RECIPIENT_OVERSHOOT_LIMIT "smtpd_recipient_overshoot_limit"
#define DEF_SMTPD_RECIPIENT_OVERSHOOT_LIMIT "1000"

#define VAR_SMTPD_RECIPIENT_RESTRICTIONS "smtpd_recipient_restrictions"
#define DEF_SMTPD_RECIPIENT_RESTRICTIONS ""

#define VAR_SMTPD_REJECT_FOOTER "smtpd_reject_footer"
#define DEF_SMTPD_REJECT_FOOTER ""

#define VAR_SMTPD_REJECT_FOOTER_MAPS "smtpd_reject_footer_maps"
#define DEF_SMTPD_REJECT_FOOTER_MAPS ""

#define VAR_SMTPD_REJECT_UNLISTED_RECIPIENT "smtpd_reject_unlisted_recipient"
#define DEF_SMTPD_REJECT_UNLISTED_RECIPIENT "yes"

#define VAR_SMTPD_REJECT_UNLISTED_SENDER "smtpd_reject_unlisted_sender"
#define DEF_SMTPD_REJECT_UNLISTED_SENDER "no"

#define VAR_SMTPD_RELAY_BEFORE_RECIPIENT_RESTRICTIONS "smtpd_relay_before_recipient_restrictions"
#define DEF_SMTPD_RELAY_BEFORE_RECIPIENT_RESTRICTIONS                                              \
    "${{$compatibility_level} <level {3.6} ? {no} : {yes}}"

#define VAR_SMTPD_RELAY_RESTRICTIONS "smtpd_relay_restrictions"
#define DEF_SMTPD_RELAY_RESTRICTIONS                                                               \
    "${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, "   \
    "defer_unauth_destination}}"

#define VAR_SMTPD_RESTRICTION_CLASSES "smtpd_restriction_classes"
#define DEF_SMTPD_RESTRICTION_CLASSES ""

#define VAR_SMTPD_SASL_AUTH_ENABLE "smtpd_sasl_auth_enable"
#define DEF_SMTPD_SASL_AUTH_ENABLE "no"

#define VAR_SMTPD_SASL_AUTHENTICATED_HEADER "smtpd_sasl_authenticated_header"
#define DEF_SMTPD_SASL_AUTHENTICATED_HEADER "no"

#define VAR_SMTPD_SASL_EXCEPTIONS_NETWORKS "smtpd_sasl_exceptions_networks"
#define DEF_SMTPD_SASL_EXCEPTIONS_NETWORKS ""

#define VAR_SMTPD_SASL_LOCAL_DOMAIN "smtpd_sasl_local_domain"
#define DEF_SMTPD_SASL_LOCAL_DOMAIN ""

#define VAR_SMTPD_SASL_MECHANISM_FILTER "smtpd_sasl_mechanism_filter"
#define DEF_SMTPD_SASL_MECHANISM_FILTER "!external, static:rest"

#define VAR_SMTPD_SASL_PATH "smtpd_sasl_path"
#define DEF_SMTPD_SASL_PATH "smtpd"

#define VAR_SMTPD_SASL_RESPONSE_LIMIT "smtpd_sasl_response_limit"
#define DEF_SMTPD_SASL_RESPONSE_LIMIT "12288"

#define VAR_SMTPD_SASL_SECURITY_OPTIONS "smtpd_sasl_security_options"
#define DEF_SMTPD_SASL_SECURITY_OPTIONS "noanonymous"

#define VAR_SMTPD_SASL_SERVICE "smtpd_sasl_service"
#define DEF_SMTPD_SASL_SERVICE "smtp"

#define VAR_SMTPD_SASL_TYPE "smtpd_sasl_type"
#define DEF_SMTPD_SASL_TYPE "cyrus"

#define VAR_SMTPD_SENDER_LOGIN_MAPS "smtpd_sender_login_maps"
#define DEF_SMTPD_SENDER_LOGIN_MAPS ""

#define VAR_SMTPD_SENDER_RESTRICTIONS "smtpd_sender_restrictions"
#define DEF_SMTPD_SENDER_RESTRICTIONS ""

#define VAR_SMTPD_SERVICE_NAME "smtpd_service_name"
#define DEF_SMTPD_SERVICE_NAME "smtpd"

#define VAR_SMTPD_SOFT_ERROR_LIMIT "smtpd_soft_error_limit"
#define DEF_SMTPD_SOFT_ERROR_LIMIT "10"

#define VAR_SMTPD_TIMEOUT "smtpd_timeout"
#define DEF_SMTPD_TIMEOUT "${stress?{10}:{300}}s"

#define VAR_SMTPD_UPSTREAM_PROXY_PROTOCOL "smtpd_upstream_proxy_protocol"
#define DEF_SMTPD_UPSTREAM_PROXY_PROTOCOL ""

#define VAR_SMTPD_UPSTREAM_PROXY_TIMEOUT "smtpd_upstream_proxy_timeout"
#define DEF_SMTPD_UPSTREAM_PROXY_TIMEOUT "5s"

#define VAR_UNKNOWN_ADDRESS_REJECT_CODE "unknown_address_reject_code"
#define DEF_UNKNOWN_ADDRESS_REJECT_CODE "450"

#define VAR_UNKNOWN_CLIENT_REJECT_CODE "unknown_client_reject_code"
#define DEF_UNKNOWN_CLIENT_REJECT_CODE "450"

#define VAR_UNKNOWN_HOSTNAME_REJECT_CODE "unknown_hostname_reject_code"
#define DEF_UNKNOWN_HOSTNAME_REJECT_CODE "450"

#define VAR_UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE "unknown_local_recipient_reject_code"
#define DEF_UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE "550"

#define VAR_UNKNOWN_RELAY_RECIPIENT_REJECT_CODE "unknown_relay_recipient_reject_code"
#define DEF_UNKNOWN_RELAY_RECIPIENT_REJECT_CODE "550"

#define VAR_UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE "unknown_virtual_alias_reject_code"
#define DEF_UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE "550"

#define VAR_UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE "unknown_virtual_mailbox_reject_code"
#define DEF_UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE "550"

#define VAR_UNVERIFIED_RECIPIENT_DEFER_CODE "unverified_recipient_defer_code"
#define DEF_UNVERIFIED_RECIPIENT_DEFER_CODE "450"

#define VAR_UNVERIFIED_RECIPIENT_REJECT_CODE "unverified_recipient_reject_code"
#define DEF_UNVERIFIED_RECIPIENT_REJECT_CODE "450"

#define VAR_UNVERIFIED_SENDER_DEFER_CODE "unverified_sender_defer_code"
#define DEF_UNVERIFIED_SENDER_DEFER_CODE "450"

#define VAR_UNVERIFIED_SENDER_REJECT_CODE "unverified_sender_reject_code"
#define DEF_UNVERIFIED_SENDER_REJECT_CODE "450"

#endif
