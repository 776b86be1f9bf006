/*
 * mail_params_smtp - SMTP and LMTP client parameters
 *
 * Part of mail_params.h: include that instead. TLS parameters are in
 * mail_params_tls.h.
 */
#ifndef MAIL_PARAMS_SMTP_H
#define MAIL_PARAMS_SMTP_H

#define VAR_LMTP_ADDRESS_PREFERENCE "lmtp_address_preference"
#define DEF_LMTP_ADDRESS_PREFERENCE "any"

#define VAR_LMTP_ADDRESS_VERIFY_TARGET "lmtp_address_verify_target"
#define DEF_LMTP_ADDRESS_VERIFY_TARGET "rcpt"

#define VAR_LMTP_ASSUME_FINAL "lmtp_assume_final"
#define DEF_LMTP_ASSUME_FINAL "no"

#define VAR_LMTP_BALANCE_INET_PROTOCOLS "lmtp_balance_inet_protocols"
#define DEF_LMTP_BALANCE_INET_PROTOCOLS "yes"

#define VAR_LMTP_BIND_ADDRESS "lmtp_bind_address"
#define DEF_LMTP_BIND_ADDRESS ""

#define VAR_LMTP_BIND_ADDRESS6 "lmtp_bind_address6"
#define DEF_LMTP_BIND_ADDRESS6 ""

#define VAR_LMTP_BIND_ADDRESS_ENFORCE "lmtp_bind_address_enforce"
#define DEF_LMTP_BIND_ADDRESS_ENFORCE "no"

#define VAR_LMTP_BODY_CHECKS "lmtp_body_checks"
#define DEF_LMTP_BODY_CHECKS ""

#define VAR_LMTP_CNAME_OVERRIDES_SERVERNAME "lmtp_cname_overrides_servername"
#define DEF_LMTP_CNAME_OVERRIDES_SERVERNAME "no"

#define VAR_LMTP_CONNECT_TIMEOUT "lmtp_connect_timeout"
#define DEF_LMTP_CONNECT_TIMEOUT "0s"

#define VAR_LMTP_CONNECTION_CACHE_DESTINATIONS "lmtp_connection_cache_destinations"
#define DEF_LMTP_CONNECTION_CACHE_DESTINATIONS ""

#define VAR_LMTP_CONNECTION_CACHE_ON_DEMAND "lmtp_connection_cache_on_demand"
#define DEF_LMTP_CONNECTION_CACHE_ON_DEMAND "yes"

#define VAR_LMTP_CONNECTION_CACHE_TIME_LIMIT "lmtp_connection_cache_time_limit"
#define DEF_LMTP_CONNECTION_CACHE_TIME_LIMIT "2s"

#define VAR_LMTP_CONNECTION_REUSE_COUNT_LIMIT "lmtp_connection_reuse_count_limit"
#define DEF_LMTP_CONNECTION_REUSE_COUNT_LIMIT "0"

#define VAR_LMTP_CONNECTION_REUSE_TIME_LIMIT "lmtp_connection_reuse_time_limit"
#define DEF_LMTP_CONNECTION_REUSE_TIME_LIMIT "300s"

#define VAR_LMTP_DATA_DONE_TIMEOUT "lmtp_data_done_timeout"
#define DEF_LMTP_DATA_DONE_TIMEOUT "600s"

#define VAR_LMTP_DATA_INIT_TIMEOUT "lmtp_data_init_timeout"
#define DEF_LMTP_DATA_INIT_TIMEOUT "120s"

#define VAR_LMTP_DATA_XFER_TIMEOUT "lmtp_data_xfer_timeout"
#define DEF_LMTP_DATA_XFER_TIMEOUT "180s"

#define VAR_LMTP_DEFER_IF_NO_MX_ADDRESS_FOUND "lmtp_defer_if_no_mx_address_found"
#define DEF_LMTP_DEFER_IF_NO_MX_ADDRESS_FOUND "no"

#define VAR_LMTP_DELIVERY_STATUS_FILTER "lmtp_delivery_status_filter"
#define DEF_LMTP_DELIVERY_STATUS_FILTER "$default_delivery_status_filter"

#define VAR_LMTP_DISCARD_LHLO_KEYWORD_ADDRESS_MAPS "lmtp_discard_lhlo_keyword_address_maps"
#define DEF_LMTP_DISCARD_LHLO_KEYWORD_ADDRESS_MAPS ""

#define VAR_LMTP_DISCARD_LHLO_KEYWORDS "lmtp_discard_lhlo_keywords"
#define DEF_LMTP_DISCARD_LHLO_KEYWORDS ""

#define VAR_LMTP_DNS_REPLY_FILTER "lmtp_dns_reply_filter"
#define DEF_LMTP_DNS_REPLY_FILTER ""

#define VAR_LMTP_DNS_RESOLVER_OPTIONS "lmtp_dns_resolver_options"
#define DEF_LMTP_DNS_RESOLVER_OPTIONS ""

#define VAR_LMTP_DNS_SUPPORT_LEVEL "lmtp_dns_support_level"
#define DEF_LMTP_DNS_SUPPORT_LEVEL ""

#define VAR_LMTP_FALLBACK_RELAY "lmtp_fallback_relay"
#define DEF_LMTP_FALLBACK_RELAY ""

#define VAR_LMTP_GENERIC_MAPS "lmtp_generic_maps"
#define DEF_LMTP_GENERIC_MAPS ""

#define VAR_LMTP_HEADER_CHECKS "lmtp_header_checks"
#define DEF_LMTP_HEADER_CHECKS ""

#define VAR_LMTP_HOST_LOOKUP "lmtp_host_lookup"
#define DEF_LMTP_HOST_LOOKUP "dns"

#define VAR_LMTP_LHLO_NAME "lmtp_lhlo_name"
#define DEF_LMTP_LHLO_NAME "$myhostname"

#define VAR_LMTP_LHLO_TIMEOUT "lmtp_lhlo_timeout"
#define DEF_LMTP_LHLO_TIMEOUT "300s"

#define VAR_LMTP_LINE_LENGTH_LIMIT "lmtp_line_length_limit"
#define DEF_LMTP_LINE_LENGTH_LIMIT "998"

#define VAR_LMTP_MAIL_TIMEOUT "lmtp_mail_timeout"
#define DEF_LMTP_MAIL_TIMEOUT "300s"

#define VAR_LMTP_MIME_HEADER_CHECKS "lmtp_mime_header_checks"
#define DEF_LMTP_MIME_HEADER_CHECKS ""

#define VAR_LMTP_MIN_DATA_RATE "lmtp_min_data_rate"
#define DEF_LMTP_MIN_DATA_RATE "500"

#define VAR_LMTP_MX_ADDRESS_LIMIT "lmtp_mx_address_limit"
#define DEF_LMTP_MX_ADDRESS_LIMIT "5"

#define VAR_LMTP_MX_SESSION_LIMIT "lmtp_mx_session_limit"
#define DEF_LMTP_MX_SESSION_LIMIT "2"

#define VAR_LMTP_NESTED_HEADER_CHECKS "lmtp_nested_header_checks"
#define DEF_LMTP_NESTED_HEADER_CHECKS ""

#define VAR_LMTP_PER_REQUEST_DEADLINE "lmtp_per_request_deadline"
#define DEF_LMTP_PER_REQUEST_DEADLINE "${lmtp_per_record_deadline?{$lmtp_per_record_deadline}:{no}}"

#define VAR_LMTP_PIX_WORKAROUND_DELAY_TIME "lmtp_pix_workaround_delay_time"
#define DEF_LMTP_PIX_WORKAROUND_DELAY_TIME "10s"

#define VAR_LMTP_PIX_WORKAROUND_MAPS "lmtp_pix_workaround_maps"
#define DEF_LMTP_PIX_WORKAROUND_MAPS ""

#define VAR_LMTP_PIX_WORKAROUND_THRESHOLD_TIME "lmtp_pix_workaround_threshold_time"
#define DEF_LMTP_PIX_WORKAROUND_THRESHOLD_TIME "500s"

#define VAR_LMTP_PIX_WORKAROUNDS "lmtp_pix_workarounds"
#define DEF_LMTP_PIX_WORKAROUNDS "disable_esmtp,delay_dotcrlf"

#define VAR_LMTP_QUIT_TIMEOUT "lmtp_quit_timeout"
#define DEF_LMTP_QUIT_TIMEOUT "300s"

#define VAR_LMTP_QUOTE_RFC821_ENVELOPE "lmtp_quote_rfc821_envelope"
#define DEF_LMTP_QUOTE_RFC821_ENVELOPE "yes"

#define VAR_LMTP_RANDOMIZE_ADDRESSES "lmtp_randomize_addresses"
#define DEF_LMTP_RANDOMIZE_ADDRESSES "yes"

#define VAR_LMTP_RCPT_TIMEOUT "lmtp_rcpt_timeout"
#define DEF_LMTP_RCPT_TIMEOUT "300s"

#define VAR_LMTP_REPLY_FILTER "lmtp_reply_filter"
#define DEF_LMTP_REPLY_FILTER ""

#define VAR_LMTP_RSET_TIMEOUT "lmtp_rset_timeout"
#define DEF_LMTP_RSET_TIMEOUT "20s"

#define VAR_LMTP_SASL_AUTH_CACHE_NAME "lmtp_sasl_auth_cache_name"
#define DEF_LMTP_SASL_AUTH_CACHE_NAME ""

#define VAR_LMTP_SASL_AUTH_CACHE_TIME "lmtp_sasl_auth_cache_time"
#define DEF_LMTP_SASL_AUTH_CACHE_TIME "90d"

#define VAR_LMTP_SASL_AUTH_ENABLE "lmtp_sasl_auth_enable"
#define DEF_LMTP_SASL_AUTH_ENABLE "no"

#define VAR_LMTP_SASL_AUTH_SOFT_BOUNCE "lmtp_sasl_auth_soft_bounce"
#define DEF_LMTP_SASL_AUTH_SOFT_BOUNCE "yes"

#define VAR_LMTP_SASL_MECHANISM_FILTER "lmtp_sasl_mechanism_filter"
#define DEF_LMTP_SASL_MECHANISM_FILTER ""

#define VAR_LMTP_SASL_PASSWORD_MAPS "lmtp_sasl_password_maps"
#define DEF_LMTP_SASL_PASSWORD_MAPS ""

#define VAR_LMTP_SASL_PATH "lmtp_sasl_path"
#define DEF_LMTP_SASL_PATH ""

#define VAR_LMTP_SASL_SECURITY_OPTIONS "lmtp_sasl_security_options"
#define DEF_LMTP_SASL_SECURITY_OPTIONS "noplaintext, noanonymous"

#define VAR_LMTP_SASL_TYPE "lmtp_sasl_type"
#define DEF_LMTP_SASL_TYPE "cyrus"

#define VAR_LMTP_SEND_DUMMY_MAIL_AUTH "lmtp_send_dummy_mail_auth"
#define DEF_LMTP_SEND_DUMMY_MAIL_AUTH "no"

#define VAR_LMTP_SEND_XFORWARD_COMMAND "lmtp_send_xforward_command"
#define DEF_LMTP_SEND_XFORWARD_COMMAND "no"

#define VAR_LMTP_SENDER_DEPENDENT_AUTHENTICATION "lmtp_sender_dependent_authentication"
#define DEF_LMTP_SENDER_DEPENDENT_AUTHENTICATION "no"

#define VAR_LMTP_SKIP_5XX_GREETING "lmtp_skip_5xx_greeting"
#define DEF_LMTP_SKIP_5XX_GREETING "yes"

#define VAR_LMTP_SKIP_QUIT_RESPONSE "lmtp_skip_quit_response"
#define DEF_LMTP_SKIP_QUIT_RESPONSE "no"

#define VAR_LMTP_TCP_PORT "lmtp_tcp_port"
#define DEF_LMTP_TCP_PORT "24"

#define VAR_LMTP_XFORWARD_TIMEOUT "lmtp_xforward_timeout"
#define DEF_LMTP_XFORWARD_TIMEOUT "300s"

#define VAR_SMTP_ADDRESS_PREFERENCE "smtp_address_preference"
#define DEF_SMTP_ADDRESS_PREFERENCE "any"

#define VAR_SMTP_ADDRESS_VERIFY_TARGET "smtp_address_verify_target"
#define DEF_SMTP_ADDRESS_VERIFY_TARGET "rcpt"

#define VAR_SMTP_ALWAYS_SEND_EHLO "smtp_always_send_ehlo"
#define DEF_SMTP_ALWAYS_SEND_EHLO "yes"

#define VAR_SMTP_BALANCE_INET_PROTOCOLS "smtp_balance_inet_protocols"
#define DEF_SMTP_BALANCE_INET_PROTOCOLS "yes"

#define VAR_SMTP_BIND_ADDRESS "smtp_bind_address"
#define DEF_SMTP_BIND_ADDRESS ""

#define VAR_SMTP_BIND_ADDRESS6 "smtp_bind_address6"
#define DEF_SMTP_BIND_ADDRESS6 ""

#define VAR_SMTP_BIND_ADDRESS_ENFORCE "smtp_bind_address_enforce"
#define DEF_SMTP_BIND_ADDRESS_ENFORCE "no"

#define VAR_SMTP_BODY_CHECKS "smtp_body_checks"
#define DEF_SMTP_BODY_CHECKS ""

#define VAR_SMTP_CNAME_OVERRIDES_SERVERNAME "smtp_cname_overrides_servername"
#define DEF_SMTP_CNAME_OVERRIDES_SERVERNAME "no"

#define VAR_SMTP_CONNECT_TIMEOUT "smtp_connect_timeout"
#define DEF_SMTP_CONNECT_TIMEOUT "30s"

#define VAR_SMTP_CONNECTION_CACHE_DESTINATIONS "smtp_connection_cache_destinations"
#define DEF_SMTP_CONNECTION_CACHE_DESTINATIONS ""

#define VAR_SMTP_CONNECTION_CACHE_ON_DEMAND "smtp_connection_cache_on_demand"
#define DEF_SMTP_CONNECTION_CACHE_ON_DEMAND "yes"

#define VAR_SMTP_CONNECTION_CACHE_TIME_LIMIT "smtp_connection_cache_time_limit"
#define DEF_SMTP_CONNECTION_CACHE_TIME_LIMIT "2s"

#define VAR_SMTP_CONNECTION_REUSE_COUNT_LIMIT "smtp_connection_reuse_count_limit"
#define DEF_SMTP_CONNECTION_REUSE_COUNT_LIMIT "0"

#define VAR_SMTP_CONNECTION_REUSE_TIME_LIMIT "smtp_connection_reuse_time_limit"
#define DEF_SMTP_CONNECTION_REUSE_TIME_LIMIT "300s"

#define VAR_SMTP_DATA_DONE_TIMEOUT "smtp_data_done_timeout"
#define DEF_SMTP_DATA_DONE_TIMEOUT "600s"

#define VAR_SMTP_DATA_INIT_TIMEOUT "smtp_data_init_timeout"
#define DEF_SMTP_DATA_INIT_TIMEOUT "120s"

#define VAR_SMTP_DATA_XFER_TIMEOUT "smtp_data_xfer_timeout"
#define DEF_SMTP_DATA_XFER_TIMEOUT "180s"

#define VAR_SMTP_DEFER_IF_NO_MX_ADDRESS_FOUND "smtp_defer_if_no_mx_address_found"
#define DEF_SMTP_DEFER_IF_NO_MX_ADDRESS_FOUND "no"

#define VAR_SMTP_DELIVERY_STATUS_FILTER "smtp_delivery_status_filter"
#define DEF_SMTP_DELIVERY_STATUS_FILTER "$default_delivery_status_filter"

#define VAR_SMTP_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS "smtp_discard_ehlo_keyword_address_maps"
#define DEF_SMTP_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS ""

#define VAR_SMTP_DISCARD_EHLO_KEYWORDS "smtp_discard_ehlo_keywords"
#define DEF_SMTP_DISCARD_EHLO_KEYWORDS ""

#define VAR_SMTP_DNS_REPLY_FILTER "smtp_dns_reply_filter"
#define DEF_SMTP_DNS_REPLY_FILTER ""

#define VAR_SMTP_DNS_RESOLVER_OPTIONS "smtp_dns_resolver_options"
#define DEF_SMTP_DNS_RESOLVER_OPTIONS ""

#define VAR_SMTP_DNS_SUPPORT_LEVEL "smtp_dns_support_level"
#define DEF_SMTP_DNS_SUPPORT_LEVEL ""

#define VAR_SMTP_DNS_RESOLVER "smtp_dns_resolver"
#define DEF_SMTP_DNS_RESOLVER "system"

#define VAR_SMTP_DNS_TRUST_ANCHOR_FILE "smtp_dns_trust_anchor_file"
#define DEF_SMTP_DNS_TRUST_ANCHOR_FILE "/usr/share/dns/root.key"

#define VAR_SMTP_DNS_FORWARDERS "smtp_dns_forwarders"
#define DEF_SMTP_DNS_FORWARDERS ""

#define VAR_SMTP_FALLBACK_RELAY "smtp_fallback_relay"
#define DEF_SMTP_FALLBACK_RELAY "$fallback_relay"

#define VAR_SMTP_GENERIC_MAPS "smtp_generic_maps"
#define DEF_SMTP_GENERIC_MAPS ""

#define VAR_SMTP_HEADER_CHECKS "smtp_header_checks"
#define DEF_SMTP_HEADER_CHECKS ""

#define VAR_SMTP_HELO_NAME "smtp_helo_name"
#define DEF_SMTP_HELO_NAME "$myhostname"

#define VAR_SMTP_HELO_TIMEOUT "smtp_helo_timeout"
#define DEF_SMTP_HELO_TIMEOUT "300s"

#define VAR_SMTP_HOST_LOOKUP "smtp_host_lookup"
#define DEF_SMTP_HOST_LOOKUP "dns"

#define VAR_SMTP_LINE_LENGTH_LIMIT "smtp_line_length_limit"
#define DEF_SMTP_LINE_LENGTH_LIMIT "998"

#define VAR_SMTP_MAIL_TIMEOUT "smtp_mail_timeout"
#define DEF_SMTP_MAIL_TIMEOUT "300s"

#define VAR_SMTP_MIME_HEADER_CHECKS "smtp_mime_header_checks"
#define DEF_SMTP_MIME_HEADER_CHECKS ""

#define VAR_SMTP_MIN_DATA_RATE "smtp_min_data_rate"
#define DEF_SMTP_MIN_DATA_RATE "500"

#define VAR_SMTP_MX_ADDRESS_LIMIT "smtp_mx_address_limit"
#define DEF_SMTP_MX_ADDRESS_LIMIT "5"

#define VAR_SMTP_MX_SESSION_LIMIT "smtp_mx_session_limit"
#define DEF_SMTP_MX_SESSION_LIMIT "2"

#define VAR_SMTP_NESTED_HEADER_CHECKS "smtp_nested_header_checks"
#define DEF_SMTP_NESTED_HEADER_CHECKS ""

#define VAR_SMTP_NEVER_SEND_EHLO "smtp_never_send_ehlo"
#define DEF_SMTP_NEVER_SEND_EHLO "no"

#define VAR_SMTP_PER_REQUEST_DEADLINE "smtp_per_request_deadline"
#define DEF_SMTP_PER_REQUEST_DEADLINE "${smtp_per_record_deadline?{$smtp_per_record_deadline}:{no}}"

#define VAR_SMTP_PIX_WORKAROUND_DELAY_TIME "smtp_pix_workaround_delay_time"
#define DEF_SMTP_PIX_WORKAROUND_DELAY_TIME "10s"

#define VAR_SMTP_PIX_WORKAROUND_MAPS "smtp_pix_workaround_maps"
#define DEF_SMTP_PIX_WORKAROUND_MAPS ""

#define VAR_SMTP_PIX_WORKAROUND_THRESHOLD_TIME "smtp_pix_workaround_threshold_time"
#define DEF_SMTP_PIX_WORKAROUND_THRESHOLD_TIME "500s"

#define VAR_SMTP_PIX_WORKAROUNDS "smtp_pix_workarounds"
#define DEF_SMTP_PIX_WORKAROUNDS "disable_esmtp,delay_dotcrlf"

#define VAR_SMTP_QUIT_TIMEOUT "smtp_quit_timeout"
#define DEF_SMTP_QUIT_TIMEOUT "300s"

#define VAR_SMTP_QUOTE_RFC821_ENVELOPE "smtp_quote_rfc821_envelope"
#define DEF_SMTP_QUOTE_RFC821_ENVELOPE "yes"

#define VAR_SMTP_RANDOMIZE_ADDRESSES "smtp_randomize_addresses"
#define DEF_SMTP_RANDOMIZE_ADDRESSES "yes"

#define VAR_SMTP_RCPT_TIMEOUT "smtp_rcpt_timeout"
#define DEF_SMTP_RCPT_TIMEOUT "300s"

#define VAR_SMTP_REPLY_FILTER "smtp_reply_filter"
#define DEF_SMTP_REPLY_FILTER ""

#define VAR_SMTP_RSET_TIMEOUT "smtp_rset_timeout"
#define DEF_SMTP_RSET_TIMEOUT "20s"

#define VAR_SMTP_SASL_AUTH_CACHE_NAME "smtp_sasl_auth_cache_name"
#define DEF_SMTP_SASL_AUTH_CACHE_NAME ""

#define VAR_SMTP_SASL_AUTH_CACHE_TIME "smtp_sasl_auth_cache_time"
#define DEF_SMTP_SASL_AUTH_CACHE_TIME "90d"

#define VAR_SMTP_SASL_AUTH_ENABLE "smtp_sasl_auth_enable"
#define DEF_SMTP_SASL_AUTH_ENABLE "no"

#define VAR_SMTP_SASL_AUTH_SOFT_BOUNCE "smtp_sasl_auth_soft_bounce"
#define DEF_SMTP_SASL_AUTH_SOFT_BOUNCE "yes"

#define VAR_SMTP_SASL_MECHANISM_FILTER "smtp_sasl_mechanism_filter"
#define DEF_SMTP_SASL_MECHANISM_FILTER ""

#define VAR_SMTP_SASL_PASSWORD_MAPS "smtp_sasl_password_maps"
#define DEF_SMTP_SASL_PASSWORD_MAPS ""

#define VAR_SMTP_SASL_PATH "smtp_sasl_path"
#define DEF_SMTP_SASL_PATH ""

#define VAR_SMTP_SASL_SECURITY_OPTIONS "smtp_sasl_security_options"
#define DEF_SMTP_SASL_SECURITY_OPTIONS "noplaintext, noanonymous"

#define VAR_SMTP_SASL_TYPE "smtp_sasl_type"
#define DEF_SMTP_SASL_TYPE "cyrus"

#define VAR_SMTP_SEND_DUMMY_MAIL_AUTH "smtp_send_dummy_mail_auth"
#define DEF_SMTP_SEND_DUMMY_MAIL_AUTH "no"

#define VAR_SMTP_SEND_XFORWARD_COMMAND "smtp_send_xforward_command"
#define DEF_SMTP_SEND_XFORWARD_COMMAND "no"

#define VAR_SMTP_SENDER_DEPENDENT_AUTHENTICATION "smtp_sender_dependent_authentication"
#define DEF_SMTP_SENDER_DEPENDENT_AUTHENTICATION "no"

#define VAR_SMTP_SKIP_5XX_GREETING "smtp_skip_5xx_greeting"
#define DEF_SMTP_SKIP_5XX_GREETING "yes"

#define VAR_SMTP_SKIP_QUIT_RESPONSE "smtp_skip_quit_response"
#define DEF_SMTP_SKIP_QUIT_RESPONSE "yes"

#define VAR_SMTP_TCP_PORT "smtp_tcp_port"
#define DEF_SMTP_TCP_PORT "smtp"

#define VAR_SMTP_XFORWARD_TIMEOUT "smtp_xforward_timeout"
#define DEF_SMTP_XFORWARD_TIMEOUT "300s"

#endif
