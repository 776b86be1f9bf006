/*
 * mail_params_queue - queue, routing and delivery parameters
 *
 * Part of mail_params.h: include that instead.
 */
#ifndef MAIL_PARAMS_QUEUE_H
#define MAIL_PARAMS_QUEUE_H

#define VAR_2BOUNCE_NOTICE_RECIPIENT "2bounce_notice_recipient"
#define DEF_2BOUNCE_NOTICE_RECIPIENT "postmaster"

#define VAR_ADDRESS_VERIFY_CACHE_CLEANUP_INTERVAL "address_verify_cache_cleanup_interval"
#define DEF_ADDRESS_VERIFY_CACHE_CLEANUP_INTERVAL "12h"

#define VAR_ADDRESS_VERIFY_DEFAULT_TRANSPORT "address_verify_default_transport"
#define DEF_ADDRESS_VERIFY_DEFAULT_TRANSPORT "$default_transport"

#define VAR_ADDRESS_VERIFY_LOCAL_TRANSPORT "address_verify_local_transport"
#define DEF_ADDRESS_VERIFY_LOCAL_TRANSPORT "$local_transport"

#define VAR_ADDRESS_VERIFY_MAP "address_verify_map"
#define DEF_ADDRESS_VERIFY_MAP "btree:$data_directory/verify_cache"

#define VAR_ADDRESS_VERIFY_NEGATIVE_CACHE "address_verify_negative_cache"
#define DEF_ADDRESS_VERIFY_NEGATIVE_CACHE "yes"

#define VAR_ADDRESS_VERIFY_NEGATIVE_EXPIRE_TIME "address_verify_negative_expire_time"
#define DEF_ADDRESS_VERIFY_NEGATIVE_EXPIRE_TIME "3d"

#define VAR_ADDRESS_VERIFY_NEGATIVE_REFRESH_TIME "address_verify_negative_refresh_time"
#define DEF_ADDRESS_VERIFY_NEGATIVE_REFRESH_TIME "3h"

#define VAR_ADDRESS_VERIFY_PENDING_REQUEST_LIMIT "address_verify_pending_request_limit"
#define DEF_ADDRESS_VERIFY_PENDING_REQUEST_LIMIT "5000"

#define VAR_ADDRESS_VERIFY_POLL_COUNT "address_verify_poll_count"
#define DEF_ADDRESS_VERIFY_POLL_COUNT "${stress?{1}:{3}}"

#define VAR_ADDRESS_VERIFY_POLL_DELAY "address_verify_poll_delay"
#define DEF_ADDRESS_VERIFY_POLL_DELAY "3s"

#define VAR_ADDRESS_VERIFY_POSITIVE_EXPIRE_TIME "address_verify_positive_expire_time"
#define DEF_ADDRESS_VERIFY_POSITIVE_EXPIRE_TIME "31d"

#define VAR_ADDRESS_VERIFY_POSITIVE_REFRESH_TIME "address_verify_positive_refresh_time"
#define DEF_ADDRESS_VERIFY_POSITIVE_REFRESH_TIME "7d"

#define VAR_ADDRESS_VERIFY_RELAY_TRANSPORT "address_verify_relay_transport"
#define DEF_ADDRESS_VERIFY_RELAY_TRANSPORT "$relay_transport"

#define VAR_ADDRESS_VERIFY_RELAYHOST "address_verify_relayhost"
#define DEF_ADDRESS_VERIFY_RELAYHOST "$relayhost"

#define VAR_ADDRESS_VERIFY_SENDER "address_verify_sender"
#define DEF_ADDRESS_VERIFY_SENDER "$double_bounce_sender"

#define VAR_ADDRESS_VERIFY_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS                                 \
    "address_verify_sender_dependent_default_transport_maps"
#define DEF_ADDRESS_VERIFY_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS                                 \
    "$sender_dependent_default_transport_maps"

#define VAR_ADDRESS_VERIFY_SENDER_DEPENDENT_RELAYHOST_MAPS                                         \
    "address_verify_sender_dependent_relayhost_maps"
#define DEF_ADDRESS_VERIFY_SENDER_DEPENDENT_RELAYHOST_MAPS "$sender_dependent_relayhost_maps"

#define VAR_ADDRESS_VERIFY_SENDER_TTL "address_verify_sender_ttl"
#define DEF_ADDRESS_VERIFY_SENDER_TTL "0s"

#define VAR_ADDRESS_VERIFY_SERVICE_NAME "address_verify_service_name"
#define DEF_ADDRESS_VERIFY_SERVICE_NAME "verify"

#define VAR_ADDRESS_VERIFY_TRANSPORT_MAPS "address_verify_transport_maps"
#define DEF_ADDRESS_VERIFY_TRANSPORT_MAPS "$transport_maps"

#define VAR_ADDRESS_VERIFY_VIRTUAL_TRANSPORT "address_verify_virtual_transport"
#define DEF_ADDRESS_VERIFY_VIRTUAL_TRANSPORT "$virtual_transport"

#define VAR_ALIAS_DATABASE "alias_database"
#define DEF_ALIAS_DATABASE "hash:/etc/aliases"

#define VAR_ALIAS_MAPS "alias_maps"
#define DEF_ALIAS_MAPS "hash:/etc/aliases, nis:mail.aliases"

#define VAR_ALLOW_MAIL_TO_COMMANDS "allow_mail_to_commands"
#define DEF_ALLOW_MAIL_TO_COMMANDS "alias, forward"

#define VAR_ALLOW_MAIL_TO_FILES "allow_mail_to_files"
#define DEF_ALLOW_MAIL_TO_FILES "alias, forward"

#define VAR_ALLOW_MIN_USER "allow_min_user"
#define DEF_ALLOW_MIN_USER "no"

#define VAR_ALLOW_PERCENT_HACK "allow_percent_hack"
#define DEF_ALLOW_PERCENT_HACK "yes"

#define VAR_ALLOW_UNTRUSTED_ROUTING "allow_untrusted_routing"
#define DEF_ALLOW_UNTRUSTED_ROUTING "no"

#define VAR_ALWAYS_ADD_MISSING_HEADERS "always_add_missing_headers"
#define DEF_ALWAYS_ADD_MISSING_HEADERS "no"

#define VAR_ALWAYS_BCC "always_bcc"
#define DEF_ALWAYS_BCC ""

#define VAR_APPEND_AT_MYORIGIN "append_at_myorigin"
#define DEF_APPEND_AT_MYORIGIN "yes"

#define VAR_APPEND_DOT_MYDOMAIN "append_dot_mydomain"
#define DEF_APPEND_DOT_MYDOMAIN "${{$compatibility_level} <level {1} ? {yes} : {no}}"

#define VAR_AUTHORIZED_FLUSH_USERS "authorized_flush_users"
#define DEF_AUTHORIZED_FLUSH_USERS "static:anyone"

#define VAR_BACKWARDS_BOUNCE_LOGFILE_COMPATIBILITY "backwards_bounce_logfile_compatibility"
#define DEF_BACKWARDS_BOUNCE_LOGFILE_COMPATIBILITY "yes"

#define VAR_BEST_MX_TRANSPORT "best_mx_transport"
#define DEF_BEST_MX_TRANSPORT ""

#define VAR_BIFF "biff"
#define DEF_BIFF "yes"

#define VAR_BODY_CHECKS "body_checks"
#define DEF_BODY_CHECKS ""

#define VAR_BODY_CHECKS_SIZE_LIMIT "body_checks_size_limit"
#define DEF_BODY_CHECKS_SIZE_LIMIT "51200"

#define VAR_BOUNCE_NOTICE_RECIPIENT "bounce_notice_recipient"
#define DEF_BOUNCE_NOTICE_RECIPIENT "postmaster"

#define VAR_BOUNCE_QUEUE_LIFETIME "bounce_queue_lifetime"
#define DEF_BOUNCE_QUEUE_LIFETIME "5d"

#define VAR_BOUNCE_SERVICE_NAME "bounce_service_name"
#define DEF_BOUNCE_SERVICE_NAME "bounce"

#define VAR_BOUNCE_SIZE_LIMIT "bounce_size_limit"
#define DEF_BOUNCE_SIZE_LIMIT "50000"

#define VAR_BOUNCE_TEMPLATE_FILE "bounce_template_file"
#define DEF_BOUNCE_TEMPLATE_FILE ""

#define VAR_CANONICAL_CLASSES "canonical_classes"
#define DEF_CANONICAL_CLASSES "envelope_sender, envelope_recipient, header_sender, header_recipient"

#define VAR_CANONICAL_MAPS "canonical_maps"
#define DEF_CANONICAL_MAPS ""

#define VAR_COMMAND_DIRECTORY "command_directory"
#define DEF_COMMAND_DIRECTORY "/usr/sbin"

#define VAR_COMMAND_EXECUTION_DIRECTORY "command_execution_directory"
#define DEF_COMMAND_EXECUTION_DIRECTORY ""

#define VAR_COMMAND_EXPANSION_FILTER "command_expansion_filter"
#define DEF_COMMAND_EXPANSION_FILTER                                                               \
    "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

#define VAR_COMMAND_TIME_LIMIT "command_time_limit"
#define DEF_COMMAND_TIME_LIMIT "1000s"

#define VAR_CONFIRM_DELAY_CLEARED "confirm_delay_cleared"
#define DEF_CONFIRM_DELAY_CLEARED "no"

#define VAR_DEFAULT_DELIVERY_SLOT_COST "default_delivery_slot_cost"
#define DEF_DEFAULT_DELIVERY_SLOT_COST "5"

#define VAR_DEFAULT_DELIVERY_SLOT_DISCOUNT "default_delivery_slot_discount"
#define DEF_DEFAULT_DELIVERY_SLOT_DISCOUNT "50"

#define VAR_DEFAULT_DELIVERY_SLOT_LOAN "default_delivery_slot_loan"
#define DEF_DEFAULT_DELIVERY_SLOT_LOAN "3"

#define VAR_DEFAULT_DELIVERY_STATUS_FILTER "default_delivery_status_filter"
#define DEF_DEFAULT_DELIVERY_STATUS_FILTER ""

#define VAR_DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT                                    \
    "default_destination_concurrency_failed_cohort_limit"
#define DEF_DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT "1"

#define VAR_DEFAULT_DESTINATION_CONCURRENCY_LIMIT "default_destination_concurrency_limit"
#define DEF_DEFAULT_DESTINATION_CONCURRENCY_LIMIT "20"

#define VAR_DEFAULT_DESTINATION_CONCURRENCY_NEGATIVE_FEEDBACK                                      \
    "default_destination_concurrency_negative_feedback"
#define DEF_DEFAULT_DESTINATION_CONCURRENCY_NEGATIVE_FEEDBACK "1"

#define VAR_DEFAULT_DESTINATION_CONCURRENCY_POSITIVE_FEEDBACK                                      \
    "default_destination_concurrency_positive_feedback"
#define DEF_DEFAULT_DESTINATION_CONCURRENCY_POSITIVE_FEEDBACK "1"

#define VAR_DEFAULT_DESTINATION_RATE_DELAY "default_destination_rate_delay"
#define DEF_DEFAULT_DESTINATION_RATE_DELAY "0s"

#define VAR_DEFAULT_DESTINATION_RECIPIENT_LIMIT "default_destination_recipient_limit"
#define DEF_DEFAULT_DESTINATION_RECIPIENT_LIMIT "50"

#define VAR_DEFAULT_EXTRA_RECIPIENT_LIMIT "default_extra_recipient_limit"
#define DEF_DEFAULT_EXTRA_RECIPIENT_LIMIT "1000"

#define VAR_DEFAULT_MINIMUM_DELIVERY_SLOTS "default_minimum_delivery_slots"
#define DEF_DEFAULT_MINIMUM_DELIVERY_SLOTS "3"

#define VAR_DEFAULT_RBL_REPLY "default_rbl_reply"
#define DEF_DEFAULT_RBL_REPLY                                                                      \
    "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using "                         \
    "$rbl_domain${rbl_reason?; $rbl_reason}"

#define VAR_DEFAULT_RECIPIENT_LIMIT "default_recipient_limit"
#define DEF_DEFAULT_RECIPIENT_LIMIT "20000"

#define VAR_DEFAULT_RECIPIENT_REFILL_DELAY "default_recipient_refill_delay"
#define DEF_DEFAULT_RECIPIENT_REFILL_DELAY "5s"

#define VAR_DEFAULT_RECIPIENT_REFILL_LIMIT "default_recipient_refill_limit"
#define DEF_DEFAULT_RECIPIENT_REFILL_LIMIT "100"

#define VAR_DEFAULT_TRANSPORT "default_transport"
#define DEF_DEFAULT_TRANSPORT "smtp"

#define VAR_DEFAULT_TRANSPORT_RATE_DELAY "default_transport_rate_delay"
#define DEF_DEFAULT_TRANSPORT_RATE_DELAY "0s"

#define VAR_DEFAULT_VERP_DELIMITERS "default_verp_delimiters"
#define DEF_DEFAULT_VERP_DELIMITERS "+="

#define VAR_DEFER_TRANSPORTS "defer_transports"
#define DEF_DEFER_TRANSPORTS ""

#define VAR_DELAY_LOGGING_RESOLUTION_LIMIT "delay_logging_resolution_limit"
#define DEF_DELAY_LOGGING_RESOLUTION_LIMIT "2"

#define VAR_DELAY_NOTICE_RECIPIENT "delay_notice_recipient"
#define DEF_DELAY_NOTICE_RECIPIENT "postmaster"

#define VAR_DELAY_WARNING_TIME "delay_warning_time"
#define DEF_DELAY_WARNING_TIME "0h"

#define VAR_DELIVER_LOCK_ATTEMPTS "deliver_lock_attempts"
#define DEF_DELIVER_LOCK_ATTEMPTS "20"

#define VAR_DELIVER_LOCK_DELAY "deliver_lock_delay"
#define DEF_DELIVER_LOCK_DELAY "1s"

#define VAR_DESTINATION_CONCURRENCY_FEEDBACK_DEBUG "destination_concurrency_feedback_debug"
#define DEF_DESTINATION_CONCURRENCY_FEEDBACK_DEBUG "no"

#define VAR_DETECT_8BIT_ENCODING_HEADER "detect_8bit_encoding_header"
#define DEF_DETECT_8BIT_ENCODING_HEADER "yes"

#define VAR_DISABLE_MIME_INPUT_PROCESSING "disable_mime_input_processing"
#define DEF_DISABLE_MIME_INPUT_PROCESSING "no"

#define VAR_DISABLE_MIME_OUTPUT_CONVERSION "disable_mime_output_conversion"
#define DEF_DISABLE_MIME_OUTPUT_CONVERSION "no"

#define VAR_DISABLE_VERP_BOUNCES "disable_verp_bounces"
#define DEF_DISABLE_VERP_BOUNCES "no"

#define VAR_DOUBLE_BOUNCE_SENDER "double_bounce_sender"
#define DEF_DOUBLE_BOUNCE_SENDER "double-bounce"

#define VAR_DUPLICATE_FILTER_LIMIT "duplicate_filter_limit"
#define DEF_DUPLICATE_FILTER_LIMIT "1000"

#define VAR_EMPTY_ADDRESS_DEFAULT_TRANSPORT_MAPS_LOOKUP_KEY                                        \
    "empty_address_default_transport_maps_lookup_key"
#define DEF_EMPTY_ADDRESS_DEFAULT_TRANSPORT_MAPS_LOOKUP_KEY "<>"

#define VAR_EMPTY_ADDRESS_LOCAL_LOGIN_SENDER_MAPS_LOOKUP_KEY                                       \
    "empty_address_local_login_sender_maps_lookup_key"
#define DEF_EMPTY_ADDRESS_LOCAL_LOGIN_SENDER_MAPS_LOOKUP_KEY "<>"

#define VAR_EMPTY_ADDRESS_RECIPIENT "empty_address_recipient"
#define DEF_EMPTY_ADDRESS_RECIPIENT "MAILER-DAEMON"

#define VAR_EMPTY_ADDRESS_RELAYHOST_MAPS_LOOKUP_KEY "empty_address_relayhost_maps_lookup_key"
#define DEF_EMPTY_ADDRESS_RELAYHOST_MAPS_LOOKUP_KEY "<>"

#define VAR_ENABLE_LONG_QUEUE_IDS "enable_long_queue_ids"
#define DEF_ENABLE_LONG_QUEUE_IDS "no"

#define VAR_ENABLE_ORIGINAL_RECIPIENT "enable_original_recipient"
#define DEF_ENABLE_ORIGINAL_RECIPIENT "yes"

#define VAR_ENABLE_THREADED_BOUNCES "enable_threaded_bounces"
#define DEF_ENABLE_THREADED_BOUNCES "no"

#define VAR_ERROR_NOTICE_RECIPIENT "error_notice_recipient"
#define DEF_ERROR_NOTICE_RECIPIENT "postmaster"

#define VAR_EXECUTION_DIRECTORY_EXPANSION_FILTER "execution_directory_expansion_filter"
#define DEF_EXECUTION_DIRECTORY_EXPANSION_FILTER                                                   \
    "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

#define VAR_EXPAND_OWNER_ALIAS "expand_owner_alias"
#define DEF_EXPAND_OWNER_ALIAS "no"

#define VAR_FALLBACK_TRANSPORT "fallback_transport"
#define DEF_FALLBACK_TRANSPORT ""

#define VAR_FALLBACK_TRANSPORT_MAPS "fallback_transport_maps"
#define DEF_FALLBACK_TRANSPORT_MAPS ""

#define VAR_FAST_FLUSH_DOMAINS "fast_flush_domains"
#define DEF_FAST_FLUSH_DOMAINS "$relay_domains"

#define VAR_FAST_FLUSH_PURGE_TIME "fast_flush_purge_time"
#define DEF_FAST_FLUSH_PURGE_TIME "7d"

#define VAR_FAST_FLUSH_REFRESH_TIME "fast_flush_refresh_time"
#define DEF_FAST_FLUSH_REFRESH_TIME "12h"

#define VAR_FLUSH_SERVICE_NAME "flush_service_name"
#define DEF_FLUSH_SERVICE_NAME "flush"

#define VAR_FORK_ATTEMPTS "fork_attempts"
#define DEF_FORK_ATTEMPTS "5"

#define VAR_FORK_DELAY "fork_delay"
#define DEF_FORK_DELAY "1s"

#define VAR_FORWARD_EXPANSION_FILTER "forward_expansion_filter"
#define DEF_FORWARD_EXPANSION_FILTER                                                               \
    "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

#define VAR_FORWARD_PATH "forward_path"
#define DEF_FORWARD_PATH "$home/.forward${recipient_delimiter}${extension}, $home/.forward"

#define VAR_FROZEN_DELIVERED_TO "frozen_delivered_to"
#define DEF_FROZEN_DELIVERED_TO "yes"

#define VAR_HASH_QUEUE_DEPTH "hash_queue_depth"
#define DEF_HASH_QUEUE_DEPTH "1"

#define VAR_HASH_QUEUE_NAMES "hash_queue_names"
#define DEF_HASH_QUEUE_NAMES "deferred, defer"

#define VAR_HEADER_ADDRESS_TOKEN_LIMIT "header_address_token_limit"
#define DEF_HEADER_ADDRESS_TOKEN_LIMIT "10240"

#define VAR_HEADER_CHECKS "header_checks"
#define DEF_HEADER_CHECKS ""

#define VAR_HEADER_FROM_FORMAT "header_from_format"
#define DEF_HEADER_FROM_FORMAT "standard"

#define VAR_HEADER_SIZE_LIMIT "header_size_limit"
#define DEF_HEADER_SIZE_LIMIT "102400"

#define VAR_HOME_MAILBOX "home_mailbox"
#define DEF_HOME_MAILBOX ""

#define VAR_HOPCOUNT_LIMIT "hopcount_limit"
#define DEF_HOPCOUNT_LIMIT "50"

#define VAR_IN_FLOW_DELAY "in_flow_delay"
#define DEF_IN_FLOW_DELAY "1s"

#define VAR_INITIAL_DESTINATION_CONCURRENCY "initial_destination_concurrency"
#define DEF_INITIAL_DESTINATION_CONCURRENCY "5"

#define VAR_INTERNAL_MAIL_FILTER_CLASSES "internal_mail_filter_classes"
#define DEF_INTERNAL_MAIL_FILTER_CLASSES ""

#define VAR_LOCAL_COMMAND_SHELL "local_command_shell"
#define DEF_LOCAL_COMMAND_SHELL ""

#define VAR_LOCAL_DELIVERY_STATUS_FILTER "local_delivery_status_filter"
#define DEF_LOCAL_DELIVERY_STATUS_FILTER "$default_delivery_status_filter"

#define VAR_LOCAL_DESTINATION_CONCURRENCY_LIMIT "local_destination_concurrency_limit"
#define DEF_LOCAL_DESTINATION_CONCURRENCY_LIMIT "2"

#define VAR_LOCAL_DESTINATION_RECIPIENT_LIMIT "local_destination_recipient_limit"
#define DEF_LOCAL_DESTINATION_RECIPIENT_LIMIT "1"

#define VAR_LOCAL_HEADER_REWRITE_CLIENTS "local_header_rewrite_clients"
#define DEF_LOCAL_HEADER_REWRITE_CLIENTS "permit_inet_interfaces"

#define VAR_LOCAL_LOGIN_SENDER_MAPS "local_login_sender_maps"
#define DEF_LOCAL_LOGIN_SENDER_MAPS "static:*"

#define VAR_LOCAL_RECIPIENT_MAPS "local_recipient_maps"
#define DEF_LOCAL_RECIPIENT_MAPS "proxy:unix:passwd.byname $alias_maps"

#define VAR_LOCAL_TRANSPORT "local_transport"
#define DEF_LOCAL_TRANSPORT "local:$myhostname"

#define VAR_LUSER_RELAY "luser_relay"
#define DEF_LUSER_RELAY ""

#define VAR_MAIL_SPOOL_DIRECTORY "mail_spool_directory"
#define DEF_MAIL_SPOOL_DIRECTORY "/var/mail"

#define VAR_MAILBOX_COMMAND "mailbox_command"
#define DEF_MAILBOX_COMMAND ""

#define VAR_MAILBOX_COMMAND_MAPS "mailbox_command_maps"
#define DEF_MAILBOX_COMMAND_MAPS ""

#define VAR_MAILBOX_DELIVERY_LOCK "mailbox_delivery_lock"
#define DEF_MAILBOX_DELIVERY_LOCK "fcntl, dotlock"

#define VAR_MAILBOX_SIZE_LIMIT "mailbox_size_limit"
#define DEF_MAILBOX_SIZE_LIMIT "51200000"

#define VAR_MAILBOX_TRANSPORT "mailbox_transport"
#define DEF_MAILBOX_TRANSPORT ""

#define VAR_MAILBOX_TRANSPORT_MAPS "mailbox_transport_maps"
#define DEF_MAILBOX_TRANSPORT_MAPS ""

#define VAR_MAPS_RBL_DOMAINS "maps_rbl_domains"
#define DEF_MAPS_RBL_DOMAINS ""

#define VAR_MASQUERADE_CLASSES "masquerade_classes"
#define DEF_MASQUERADE_CLASSES "envelope_sender, header_sender, header_recipient"

#define VAR_MASQUERADE_DOMAINS "masquerade_domains"
#define DEF_MASQUERADE_DOMAINS ""

#define VAR_MASQUERADE_EXCEPTIONS "masquerade_exceptions"
#define DEF_MASQUERADE_EXCEPTIONS ""

#define VAR_MAX_USE "max_use"
#define DEF_MAX_USE "100"

#define VAR_MAXIMAL_BACKOFF_TIME "maximal_backoff_time"
#define DEF_MAXIMAL_BACKOFF_TIME "4000s"

#define VAR_MAXIMAL_QUEUE_LIFETIME "maximal_queue_lifetime"
#define DEF_MAXIMAL_QUEUE_LIFETIME "5d"

#define VAR_MESSAGE_DROP_HEADERS "message_drop_headers"
#define DEF_MESSAGE_DROP_HEADERS "bcc, content-length, resent-bcc, return-path"

#define VAR_MESSAGE_REJECT_CHARACTERS "message_reject_characters"
#define DEF_MESSAGE_REJECT_CHARACTERS ""

#define VAR_MESSAGE_SIZE_LIMIT "message_size_limit"
#define DEF_MESSAGE_SIZE_LIMIT "10240000"

#define VAR_MESSAGE_STRIP_CHARACTERS "message_strip_characters"
#define DEF_MESSAGE_STRIP_CHARACTERS ""

#define VAR_MILTER_COMMAND_TIMEOUT "milter_command_timeout"
#define DEF_MILTER_COMMAND_TIMEOUT "30s"

#define VAR_MILTER_CONNECT_MACROS "milter_connect_macros"
#define DEF_MILTER_CONNECT_MACROS "j {daemon_name} {daemon_addr} v _"

#define VAR_MILTER_CONNECT_TIMEOUT "milter_connect_timeout"
#define DEF_MILTER_CONNECT_TIMEOUT "30s"

#define VAR_MILTER_CONTENT_TIMEOUT "milter_content_timeout"
#define DEF_MILTER_CONTENT_TIMEOUT "300s"

#define VAR_MILTER_DATA_MACROS "milter_data_macros"
#define DEF_MILTER_DATA_MACROS "i"

#define VAR_MILTER_DEFAULT_ACTION "milter_default_action"
#define DEF_MILTER_DEFAULT_ACTION "tempfail"

#define VAR_MILTER_END_OF_DATA_MACROS "milter_end_of_data_macros"
#define DEF_MILTER_END_OF_DATA_MACROS "i"

#define VAR_MILTER_END_OF_HEADER_MACROS "milter_end_of_header_macros"
#define DEF_MILTER_END_OF_HEADER_MACROS "i"

#define VAR_MILTER_HEADER_CHECKS "milter_header_checks"
#define DEF_MILTER_HEADER_CHECKS ""

#define VAR_MILTER_HELO_MACROS "milter_helo_macros"
#define DEF_MILTER_HELO_MACROS "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"

#define VAR_MILTER_MACRO_DAEMON_NAME "milter_macro_daemon_name"
#define DEF_MILTER_MACRO_DAEMON_NAME "$myhostname"

#define VAR_MILTER_MACRO_DEFAULTS "milter_macro_defaults"
#define DEF_MILTER_MACRO_DEFAULTS ""

#define VAR_MILTER_MACRO_V "milter_macro_v"
#define DEF_MILTER_MACRO_V "$mail_name $mail_version"

#define VAR_MILTER_MAIL_MACROS "milter_mail_macros"
#define DEF_MILTER_MAIL_MACROS                                                                     \
    "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}"

#define VAR_MILTER_PROTOCOL "milter_protocol"
#define DEF_MILTER_PROTOCOL "6"

#define VAR_MILTER_RCPT_MACROS "milter_rcpt_macros"
#define DEF_MILTER_RCPT_MACROS "i {rcpt_addr} {rcpt_host} {rcpt_mailer}"

#define VAR_MILTER_UNKNOWN_COMMAND_MACROS "milter_unknown_command_macros"
#define DEF_MILTER_UNKNOWN_COMMAND_MACROS ""

#define VAR_MIME_BOUNDARY_LENGTH_LIMIT "mime_boundary_length_limit"
#define DEF_MIME_BOUNDARY_LENGTH_LIMIT "2048"

#define VAR_MIME_HEADER_CHECKS "mime_header_checks"
#define DEF_MIME_HEADER_CHECKS "$header_checks"

#define VAR_MIME_NESTING_LIMIT "mime_nesting_limit"
#define DEF_MIME_NESTING_LIMIT "100"

#define VAR_MINIMAL_BACKOFF_TIME "minimal_backoff_time"
#define DEF_MINIMAL_BACKOFF_TIME "300s"

#define VAR_NESTED_HEADER_CHECKS "nested_header_checks"
#define DEF_NESTED_HEADER_CHECKS "$header_checks"

#define VAR_NEWALIASES_PATH "newaliases_path"
#define DEF_NEWALIASES_PATH "/usr/bin/newaliases"

#define VAR_NON_SMTPD_MILTERS "non_smtpd_milters"
#define DEF_NON_SMTPD_MILTERS ""

#define VAR_NOTIFY_CLASSES "notify_classes"
#define DEF_NOTIFY_CLASSES "resource, software"

#define VAR_OWNER_REQUEST_SPECIAL "owner_request_special"
#define DEF_OWNER_REQUEST_SPECIAL "yes"

#define VAR_PIPE_DELIVERY_STATUS_FILTER "pipe_delivery_status_filter"
#define DEF_PIPE_DELIVERY_STATUS_FILTER "$default_delivery_status_filter"

#define VAR_PREPEND_DELIVERED_HEADER "prepend_delivered_header"
#define DEF_PREPEND_DELIVERED_HEADER "command, file, forward"

#define VAR_PROPAGATE_UNMATCHED_EXTENSIONS "propagate_unmatched_extensions"
#define DEF_PROPAGATE_UNMATCHED_EXTENSIONS "canonical, virtual"

#define VAR_QMGR_CLOG_WARN_TIME "qmgr_clog_warn_time"
#define DEF_QMGR_CLOG_WARN_TIME "300s"

#define VAR_QMGR_DAEMON_TIMEOUT "qmgr_daemon_timeout"
#define DEF_QMGR_DAEMON_TIMEOUT "1000s"

#define VAR_QMGR_FUDGE_FACTOR "qmgr_fudge_factor"
#define DEF_QMGR_FUDGE_FACTOR "100"

#define VAR_QMGR_IPC_TIMEOUT "qmgr_ipc_timeout"
#define DEF_QMGR_IPC_TIMEOUT "60s"

#define VAR_QMGR_MESSAGE_ACTIVE_LIMIT "qmgr_message_active_limit"
#define DEF_QMGR_MESSAGE_ACTIVE_LIMIT "20000"

#define VAR_QMGR_MESSAGE_RECIPIENT_LIMIT "qmgr_message_recipient_limit"
#define DEF_QMGR_MESSAGE_RECIPIENT_LIMIT "20000"

#define VAR_QMGR_MESSAGE_RECIPIENT_MINIMUM "qmgr_message_recipient_minimum"
#define DEF_QMGR_MESSAGE_RECIPIENT_MINIMUM "10"

#define VAR_QUEUE_DIRECTORY "queue_directory"
#define DEF_QUEUE_DIRECTORY "/var/spool/postfix"

#define VAR_QUEUE_FILE_ATTRIBUTE_COUNT_LIMIT "queue_file_attribute_count_limit"
#define DEF_QUEUE_FILE_ATTRIBUTE_COUNT_LIMIT "100"

#define VAR_QUEUE_MINFREE "queue_minfree"
#define DEF_QUEUE_MINFREE "0"

#define VAR_QUEUE_RUN_DELAY "queue_run_delay"
#define DEF_QUEUE_RUN_DELAY "300s"

#define VAR_QUEUE_SERVICE_NAME "queue_service_name"
#define DEF_QUEUE_SERVICE_NAME "qmgr"

#define VAR_RBL_REPLY_MAPS "rbl_reply_maps"
#define DEF_RBL_REPLY_MAPS ""

#define VAR_RECEIVE_OVERRIDE_OPTIONS "receive_override_options"
#define DEF_RECEIVE_OVERRIDE_OPTIONS ""

#define VAR_RECIPIENT_BCC_MAPS "recipient_bcc_maps"
#define DEF_RECIPIENT_BCC_MAPS ""

#define VAR_RECIPIENT_CANONICAL_CLASSES "recipient_canonical_classes"
#define DEF_RECIPIENT_CANONICAL_CLASSES "envelope_recipient, header_recipient"

#define VAR_RECIPIENT_CANONICAL_MAPS "recipient_canonical_maps"
#define DEF_RECIPIENT_CANONICAL_MAPS ""

#define VAR_RECIPIENT_DELIMITER "recipient_delimiter"
#define DEF_RECIPIENT_DELIMITER ""

#define VAR_RELAY_DOMAINS "relay_domains"
#define DEF_RELAY_DOMAINS "${{$compatibility_level} <level {2} ? {$mydestination} : {}}"

#define VAR_RELAY_RECIPIENT_MAPS "relay_recipient_maps"
#define DEF_RELAY_RECIPIENT_MAPS ""

#define VAR_RELAY_TRANSPORT "relay_transport"
#define DEF_RELAY_TRANSPORT "relay"

#define VAR_RELAYHOST "relayhost"
#define DEF_RELAYHOST ""

#define VAR_RELOCATED_MAPS "relocated_maps"
#define DEF_RELOCATED_MAPS ""

#define VAR_REMOTE_HEADER_REWRITE_DOMAIN "remote_header_rewrite_domain"
#define DEF_REMOTE_HEADER_REWRITE_DOMAIN ""

#define VAR_REQUIRE_HOME_DIRECTORY "require_home_directory"
#define DEF_REQUIRE_HOME_DIRECTORY "no"

#define VAR_RESET_OWNER_ALIAS "reset_owner_alias"
#define DEF_RESET_OWNER_ALIAS "no"

#define VAR_RESOLVE_DEQUOTED_ADDRESS "resolve_dequoted_address"
#define DEF_RESOLVE_DEQUOTED_ADDRESS "yes"

#define VAR_RESOLVE_NULL_DOMAIN "resolve_null_domain"
#define DEF_RESOLVE_NULL_DOMAIN "no"

#define VAR_RESOLVE_NUMERIC_DOMAIN "resolve_numeric_domain"
#define DEF_RESOLVE_NUMERIC_DOMAIN "no"

#define VAR_SENDER_BCC_MAPS "sender_bcc_maps"
#define DEF_SENDER_BCC_MAPS ""

#define VAR_SENDER_CANONICAL_CLASSES "sender_canonical_classes"
#define DEF_SENDER_CANONICAL_CLASSES "envelope_sender, header_sender"

#define VAR_SENDER_CANONICAL_MAPS "sender_canonical_maps"
#define DEF_SENDER_CANONICAL_MAPS ""

#define VAR_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS "sender_dependent_default_transport_maps"
#define DEF_SENDER_DEPENDENT_DEFAULT_TRANSPORT_MAPS ""

#define VAR_SENDER_DEPENDENT_RELAYHOST_MAPS "sender_dependent_relayhost_maps"
#define DEF_SENDER_DEPENDENT_RELAYHOST_MAPS ""

#define VAR_SHOW_USER_UNKNOWN_TABLE_NAME "show_user_unknown_table_name"
#define DEF_SHOW_USER_UNKNOWN_TABLE_NAME "yes"

#define VAR_SMTPUTF8_AUTODETECT_CLASSES "smtputf8_autodetect_classes"
#define DEF_SMTPUTF8_AUTODETECT_CLASSES "sendmail, verify"

#define VAR_SMTPUTF8_ENABLE "smtputf8_enable"
#define DEF_SMTPUTF8_ENABLE "${{$compatibility_level} <level {1} ? {no} : {yes}}"

#define VAR_SOFT_BOUNCE "soft_bounce"
#define DEF_SOFT_BOUNCE "no"

#define VAR_STALE_LOCK_TIME "stale_lock_time"
#define DEF_STALE_LOCK_TIME "500s"

#define VAR_STRICT_7BIT_HEADERS "strict_7bit_headers"
#define DEF_STRICT_7BIT_HEADERS "no"

#define VAR_STRICT_8BITMIME "strict_8bitmime"
#define DEF_STRICT_8BITMIME "no"

#define VAR_STRICT_8BITMIME_BODY "strict_8bitmime_body"
#define DEF_STRICT_8BITMIME_BODY "no"

#define VAR_STRICT_MAILBOX_OWNERSHIP "strict_mailbox_ownership"
#define DEF_STRICT_MAILBOX_OWNERSHIP "yes"

#define VAR_STRICT_MIME_ENCODING_DOMAIN "strict_mime_encoding_domain"
#define DEF_STRICT_MIME_ENCODING_DOMAIN "no"

#define VAR_STRICT_RFC821_ENVELOPES "strict_rfc821_envelopes"
#define DEF_STRICT_RFC821_ENVELOPES "no"

#define VAR_STRICT_SMTPUTF8 "strict_smtputf8"
#define DEF_STRICT_SMTPUTF8 "no"

#define VAR_SWAP_BANGPATH "swap_bangpath"
#define DEF_SWAP_BANGPATH "yes"

#define VAR_TRANSPORT_MAPS "transport_maps"
#define DEF_TRANSPORT_MAPS ""

#define VAR_TRANSPORT_RETRY_TIME "transport_retry_time"
#define DEF_TRANSPORT_RETRY_TIME "60s"

#define VAR_UNDISCLOSED_RECIPIENTS_HEADER "undisclosed_recipients_header"
#define DEF_UNDISCLOSED_RECIPIENTS_HEADER ""

#define VAR_UNVERIFIED_RECIPIENT_REJECT_REASON "unverified_recipient_reject_reason"
#define DEF_UNVERIFIED_RECIPIENT_REJECT_REASON ""

#define VAR_UNVERIFIED_RECIPIENT_TEMPFAIL_ACTION "unverified_recipient_tempfail_action"
#define DEF_UNVERIFIED_RECIPIENT_TEMPFAIL_ACTION "$reject_tempfail_action"

#define VAR_UNVERIFIED_SENDER_REJECT_REASON "unverified_sender_reject_reason"
#define DEF_UNVERIFIED_SENDER_REJECT_REASON ""

#define VAR_UNVERIFIED_SENDER_TEMPFAIL_ACTION "unverified_sender_tempfail_action"
#define DEF_UNVERIFIED_SENDER_TEMPFAIL_ACTION "$reject_tempfail_action"

#define VAR_VERP_DELIMITER_FILTER "verp_delimiter_filter"
#define DEF_VERP_DELIMITER_FILTER "-=+"

#define VAR_VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT "virtual_alias_address_length_limit"
#define DEF_VIRTUAL_ALIAS_ADDRESS_LENGTH_LIMIT "1000"

#define VAR_VIRTUAL_ALIAS_DOMAINS "virtual_alias_domains"
#define DEF_VIRTUAL_ALIAS_DOMAINS "$virtual_alias_maps"

#define VAR_VIRTUAL_ALIAS_EXPANSION_LIMIT "virtual_alias_expansion_limit"
#define DEF_VIRTUAL_ALIAS_EXPANSION_LIMIT "1000"

#define VAR_VIRTUAL_ALIAS_MAPS "virtual_alias_maps"
#define DEF_VIRTUAL_ALIAS_MAPS "$virtual_maps"

#define VAR_VIRTUAL_ALIAS_RECURSION_LIMIT "virtual_alias_recursion_limit"
#define DEF_VIRTUAL_ALIAS_RECURSION_LIMIT "1000"

#define VAR_VIRTUAL_DELIVERY_STATUS_FILTER "virtual_delivery_status_filter"
#define DEF_VIRTUAL_DELIVERY_STATUS_FILTER "$default_delivery_status_filter"

#define VAR_VIRTUAL_GID_MAPS "virtual_gid_maps"
#define DEF_VIRTUAL_GID_MAPS ""

#define VAR_VIRTUAL_MAILBOX_BASE "virtual_mailbox_base"
#define DEF_VIRTUAL_MAILBOX_BASE ""

#define VAR_VIRTUAL_MAILBOX_DOMAINS "virtual_mailbox_domains"
#define DEF_VIRTUAL_MAILBOX_DOMAINS "$virtual_mailbox_maps"

#define VAR_VIRTUAL_MAILBOX_LIMIT "virtual_mailbox_limit"
#define DEF_VIRTUAL_MAILBOX_LIMIT "51200000"

#define VAR_VIRTUAL_MAILBOX_LOCK "virtual_mailbox_lock"
#define DEF_VIRTUAL_MAILBOX_LOCK "fcntl, dotlock"

#define VAR_VIRTUAL_MAILBOX_MAPS "virtual_mailbox_maps"
#define DEF_VIRTUAL_MAILBOX_MAPS ""

#define VAR_VIRTUAL_MINIMUM_UID "virtual_minimum_uid"
#define DEF_VIRTUAL_MINIMUM_UID "100"

#define VAR_VIRTUAL_TRANSPORT "virtual_transport"
#define DEF_VIRTUAL_TRANSPORT "virtual"

#define VAR_VIRTUAL_UID_MAPS "virtual_uid_maps"
#define DEF_VIRTUAL_UID_MAPS ""

#endif
