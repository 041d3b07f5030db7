-- The database schema after every migration, as pg_dump --schema-only --no-owner --no-privileges
-- of PostgreSQL 15 prints it (less the lines that name its exact version). Do not edit it: after
-- adding a migration, run make schema, which rewrites it, and commit it with the migration.
--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: delivery_status; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.delivery_status AS text
	CONSTRAINT delivery_status_check CHECK ((VALUE = ANY (ARRAY['not_started'::text, 'on_track'::text, 'at_risk'::text, 'delayed'::text, 'delivered'::text, 'withdrawn'::text, 'carried_forward'::text])));

--
-- Name: month; Type: DOMAIN; Schema: public; Owner: -
--

CREATE DOMAIN public.month AS date
	CONSTRAINT month_check CHECK ((VALUE = (date_trunc('month'::text, (VALUE)::timestamp with time zone))::date));

--
-- Name: audit_chain_field(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_chain_field(f text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN f IS NULL THEN '-' ELSE octet_length(convert_to(f, 'UTF8')) || ':' || f END
$$;

--
-- Name: audit_chain_step(bytea, bytea, bytea); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_chain_step(state bytea, start bytea, content bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT sha256(coalesce(state, start) || content)
$$;

--
-- Name: audit_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.chain_position := NULL;
        NEW.prev_hash := NULL;
        NEW.row_hash := NULL;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.row_hash IS NULL AND NEW.row_hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_email, NEW.action, NEW.record_type, NEW.record_id,
            NEW.remote_addr, NEW.details)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor_email, OLD.action, OLD.record_type, OLD.record_id,
            OLD.remote_addr, OLD.details) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

--
-- Name: audit_log_chain(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public'
    AS $$
DECLARE
    head audit_chain_head;
    link bytea;
BEGIN
    PERFORM 1 FROM data_version FOR UPDATE;
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
    link := sha256(head.hash || audit_log_content(NEW));
    UPDATE audit_log SET chain_position = head.position + 1, prev_hash = head.hash, row_hash = link
    WHERE id = NEW.id;
    UPDATE audit_chain_head SET position = head.position + 1, hash = link;
    RETURN NULL;
END;
$$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_id bigint,
    actor_email text,
    action text NOT NULL,
    record_type text DEFAULT ''::text NOT NULL,
    record_id text DEFAULT ''::text NOT NULL,
    remote_addr text DEFAULT ''::text NOT NULL,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    chain_position bigint,
    prev_hash bytea,
    row_hash bytea,
    CONSTRAINT audit_log_action_check CHECK ((action <> ''::text))
);

--
-- Name: audit_log_content(public.audit_log); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_content(r public.audit_log) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT convert_to(concat(
        coalesce(length(r.id::text) || ':' || r.id, '-'),
        coalesce(length((extract(epoch FROM r.at) * 1000000)::bigint::text) || ':'
                 || (extract(epoch FROM r.at) * 1000000)::bigint, '-'),
        coalesce(length(r.actor_id::text) || ':' || r.actor_id, '-'),
        coalesce(octet_length(convert_to(r.actor_email, 'UTF8')) || ':' || r.actor_email, '-'),
        coalesce(octet_length(convert_to(r.action, 'UTF8')) || ':' || r.action, '-'),
        coalesce(octet_length(convert_to(r.record_type, 'UTF8')) || ':' || r.record_type, '-'),
        coalesce(octet_length(convert_to(r.record_id, 'UTF8')) || ':' || r.record_id, '-'),
        coalesce(octet_length(convert_to(r.remote_addr, 'UTF8')) || ':' || r.remote_addr, '-'),
        coalesce(octet_length(convert_to(r.details::text, 'UTF8')) || ':' || r.details::text, '-')), 'UTF8')
$$;

--
-- Name: commitment_document_terms(tsvector, tsvector); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_document_terms(own tsvector, whole tsvector) RETURNS TABLE(term text, rank real)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT w.term, ts_rank_cd(own, w.term::tsquery)
    FROM unnest(tsvector_to_array(whole)) AS w (term)
    WHERE w.term ~ '^[a-z0-9]+$'
$_$;

--
-- Name: commitment_last_reports_fields(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_last_reports_fields() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    SELECT u.published_at, u.source_period, u.organisation_id
    INTO NEW.published_at, NEW.source_period, NEW.organisation_id
    FROM updates u WHERE u.id = NEW.update_id;
    RETURN NEW;
END;
$$;

--
-- Name: commitment_lead_organisations_organisations(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_lead_organisations_organisations() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- A lead line deleted with the organisations it names is gone by now: its own trigger
    -- refreshes its commitment.
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM old_rows)));
    ELSE
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT DISTINCT l.commitment_id FROM commitment_leads l
            WHERE l.id IN (SELECT lead_id FROM new_rows UNION SELECT lead_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;

--
-- Name: commitment_lead_organisations_touch(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_lead_organisations_touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l WHERE l.id IN (SELECT lead_id FROM old_rows)));
    ELSE
        PERFORM refresh_commitment_search(ARRAY(
            SELECT l.commitment_id FROM commitment_leads l
            WHERE l.id IN (SELECT lead_id FROM new_rows UNION SELECT lead_id FROM old_rows)));
    END IF;
    RETURN NULL;
END;
$$;

--
-- Name: commitment_leads_organisations(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_leads_organisations() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_organisations(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_organisations(ARRAY(SELECT DISTINCT commitment_id FROM old_rows));
    ELSE
        PERFORM refresh_commitment_organisations(ARRAY(
            SELECT commitment_id FROM new_rows UNION SELECT commitment_id FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;

--
-- Name: commitment_leads_search(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_leads_search() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_commitment_search(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM refresh_commitment_search(ARRAY(SELECT DISTINCT commitment_id FROM old_rows));
    ELSE
        PERFORM refresh_commitment_search(ARRAY(
            SELECT commitment_id FROM new_rows UNION SELECT commitment_id FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;

--
-- Name: commitment_organisations_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_organisations_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_organisations(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;

--
-- Name: commitment_own_search_vector(text, text[], text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_own_search_vector(deliver text, why text[], leads text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT setweight(to_tsvector('english', deliver), 'A')
        || setweight(to_tsvector('english', array_to_string(why, ' ')), 'B')
        || setweight(to_tsvector('english', leads), 'B')
$$;

--
-- Name: commitment_search_terms(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_search_terms() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_terms(ARRAY(SELECT DISTINCT commitment_id FROM new_rows));
    RETURN NULL;
END;
$$;

--
-- Name: commitment_search_vector(text, text[], text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_search_vector(deliver text, why text[], leads text, narratives text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT setweight(to_tsvector('english', deliver), 'A')
        || setweight(to_tsvector('english', array_to_string(why, ' ')), 'B')
        || setweight(to_tsvector('english', leads), 'B')
        || setweight(to_tsvector('english', left(narratives, 60000)), 'C')
        || strip(to_tsvector('english', substr(narratives, 60001, 100000)))
$$;

--
-- Name: commitment_terms_of(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_terms_of(ids bigint[]) RETURNS TABLE(commitment_id bigint, term text, plan_id bigint, rank real, major integer, minor integer)
    LANGUAGE sql STABLE
    AS $$
    SELECT c.id, w.term, c.plan_id, w.rank,
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_search s ON s.commitment_id = c.id
    CROSS JOIN LATERAL commitment_document_terms(c.search, s.search) AS w
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL
$$;

--
-- Name: commitment_terms_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_terms_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_terms(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;

--
-- Name: commitment_whole_search_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitment_whole_search_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY[NEW.id]);
    RETURN NULL;
END;
$$;

--
-- Name: commitments_matching(tsquery); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitments_matching(query tsquery) RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan TO 'off'
    AS $$
    SELECT coalesce(array_agg(commitment_id), '{}') FROM commitment_search WHERE search @@ query
$$;

--
-- Name: commitments_search(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitments_search() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.search := commitment_own_search_vector(NEW.deliver, NEW.why, '');
    ELSE
        NEW.search := commitment_own_search_vector(NEW.deliver, NEW.why,
            coalesce((SELECT string_agg(l.line, ' ' ORDER BY l.position)
                      FROM commitment_leads l WHERE l.commitment_id = NEW.id), ''));
    END IF;
    RETURN NEW;
END;
$$;

--
-- Name: commitments_whole_search(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.commitments_whole_search() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;

--
-- Name: data_version_bump(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.data_version_bump() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v bigint;
BEGIN
    IF current_setting('portal.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1 RETURNING version INTO v;
        PERFORM set_config('portal.data_version_bumped', txid_current()::text, true);
        PERFORM pg_notify('data_version', v::text);
    END IF;
    RETURN NULL;
END;
$$;

--
-- Name: refresh_commitment_last_reports(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_commitment_last_reports(ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO commitment_last_reports (commitment_id, update_id)
    SELECT c.id, latest.id
    FROM unnest(ids) AS c (id),
    LATERAL (SELECT u.id FROM updates u WHERE u.commitment_id = c.id AND u.state = 'published'
             ORDER BY u.published_version DESC NULLS LAST, u.published_at DESC NULLS LAST,
                      u.source_period DESC NULLS LAST, u.id DESC
             LIMIT 1) latest
    ON CONFLICT (commitment_id) DO UPDATE SET update_id = EXCLUDED.update_id
    WHERE commitment_last_reports.update_id IS DISTINCT FROM EXCLUDED.update_id
$$;

--
-- Name: refresh_commitment_organisations(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_commitment_organisations(ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
    DELETE FROM commitment_organisations WHERE commitment_id = ANY (ids);
    INSERT INTO commitment_organisations (commitment_id, organisation_id, plan_id, major, minor)
    SELECT DISTINCT c.id, clo.organisation_id, c.plan_id,
           split_part(c.ref, '.', 1)::integer, split_part(c.ref, '.', 2)::integer
    FROM commitments c
    JOIN commitment_leads l ON l.commitment_id = c.id
    JOIN commitment_lead_organisations clo ON clo.lead_id = l.id
    WHERE c.id = ANY (ids) AND c.retired_at IS NULL
    ON CONFLICT (commitment_id, organisation_id) DO UPDATE
    SET plan_id = EXCLUDED.plan_id, major = EXCLUDED.major, minor = EXCLUDED.minor
$$;

--
-- Name: refresh_commitment_search(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_commitment_search(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $_$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
        UPDATE commitments c
        SET search = commitment_own_search_vector(c.deliver, c.why, coalesce(l.text, ''))
        FROM (SELECT DISTINCT id FROM unnest($1) AS i (id)) AS i
        LEFT JOIN (SELECT commitment_id, string_agg(line, ' ' ORDER BY position) AS text
                   FROM commitment_leads WHERE commitment_id = ANY ($1) GROUP BY commitment_id) AS l
               ON l.commitment_id = i.id
        WHERE c.id = i.id
    $sql$ USING ids;
    PERFORM refresh_commitment_whole_search(ids);
END;
$_$;

--
-- Name: refresh_commitment_terms(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_commitment_terms(ids bigint[]) RETURNS void
    LANGUAGE sql
    AS $$
    DELETE FROM commitment_terms WHERE commitment_id = ANY (ids);
    INSERT INTO commitment_terms (commitment_id, term, plan_id, rank, major, minor)
    SELECT * FROM commitment_terms_of(ids)
    ON CONFLICT (commitment_id, term) DO UPDATE
    SET plan_id = EXCLUDED.plan_id, rank = EXCLUDED.rank, major = EXCLUDED.major, minor = EXCLUDED.minor
$$;

--
-- Name: refresh_commitment_whole_search(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.refresh_commitment_whole_search(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $_$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
        INSERT INTO commitment_search (commitment_id, search)
        SELECT c.id, commitment_search_vector(c.deliver, c.why, coalesce(l.text, ''), coalesce(n.text, ''))
        FROM commitments c
        LEFT JOIN (SELECT commitment_id, string_agg(line, ' ' ORDER BY position) AS text
                   FROM commitment_leads WHERE commitment_id = ANY ($1) GROUP BY commitment_id) AS l
               ON l.commitment_id = c.id
        LEFT JOIN (SELECT commitment_id, string_agg(narrative, ' ' ORDER BY id DESC) AS text
                   FROM updates
                   WHERE commitment_id = ANY ($1) AND state = 'published' AND narrative IS NOT NULL
                   GROUP BY commitment_id) AS n
               ON n.commitment_id = c.id
        WHERE c.id = ANY ($1)
        ON CONFLICT (commitment_id) DO UPDATE SET search = EXCLUDED.search
    $sql$ USING ids;
END;
$_$;

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

--
-- Name: updates_last_report(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.updates_last_report() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_last_reports(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published'));
    RETURN NULL;
END;
$$;

--
-- Name: updates_published_are_final(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.updates_published_are_final() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'published update % cannot be changed or deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

--
-- Name: updates_search(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.updates_search() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM refresh_commitment_whole_search(ARRAY(
        SELECT DISTINCT commitment_id FROM new_rows WHERE state = 'published' AND narrative IS NOT NULL));
    RETURN NULL;
END;
$$;

--
-- Name: audit_chain_hash(bytea, bytea); Type: AGGREGATE; Schema: public; Owner: -
--

CREATE AGGREGATE public.audit_chain_hash(bytea, bytea) (
    SFUNC = public.audit_chain_step,
    STYPE = bytea
);

--
-- Name: account_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_tokens (
    id bigint NOT NULL,
    token_hash bytea NOT NULL,
    purpose text NOT NULL,
    user_id bigint,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT account_tokens_check CHECK (((purpose = 'first_admin'::text) = (user_id IS NULL))),
    CONSTRAINT account_tokens_purpose_check CHECK ((purpose = ANY (ARRAY['first_admin'::text, 'invite'::text, 'reset'::text]))),
    CONSTRAINT account_tokens_token_hash_check CHECK ((length(token_hash) = 32))
);

--
-- Name: account_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.account_tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.account_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: aims; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.aims (
    id bigint NOT NULL,
    plan_id bigint NOT NULL,
    number integer NOT NULL,
    text text NOT NULL,
    CONSTRAINT aims_number_check CHECK ((number > 0)),
    CONSTRAINT aims_text_check CHECK ((text <> ''::text))
);

--
-- Name: aims_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.aims ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.aims_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: alert_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_events (
    id bigint NOT NULL,
    kind text NOT NULL,
    commitment_id bigint NOT NULL,
    update_id bigint,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    done_at timestamp with time zone,
    CONSTRAINT alert_events_kind_check CHECK ((kind = ANY (ARRAY['update'::text, 'commitment'::text])))
);

--
-- Name: alert_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.alert_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.alert_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: alert_subscribers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_subscribers (
    id bigint NOT NULL,
    email text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT alert_subscribers_email_check CHECK ((email <> ''::text))
);

--
-- Name: alert_subscribers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.alert_subscribers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.alert_subscribers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: alert_subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_subscriptions (
    id bigint NOT NULL,
    subscriber_id bigint NOT NULL,
    scope text NOT NULL,
    scope_id bigint NOT NULL,
    frequency text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    confirmed_at timestamp with time zone,
    CONSTRAINT alert_subscriptions_frequency_check CHECK ((frequency = ANY (ARRAY['immediate'::text, 'daily'::text]))),
    CONSTRAINT alert_subscriptions_scope_check CHECK ((scope = ANY (ARRAY['plan'::text, 'priority'::text, 'commitment'::text, 'organisation'::text])))
);

--
-- Name: alert_subscriptions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.alert_subscriptions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.alert_subscriptions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: alert_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_tokens (
    token_hash bytea NOT NULL,
    subscriber_id bigint NOT NULL,
    purpose text NOT NULL,
    subscription_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT alert_tokens_purpose_check CHECK ((purpose = ANY (ARRAY['confirm'::text, 'unsubscribe'::text, 'manage'::text])))
);

--
-- Name: audit_chain_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_chain_head (
    only_row boolean DEFAULT true NOT NULL,
    "position" bigint DEFAULT 0 NOT NULL,
    hash bytea DEFAULT '\x'::bytea NOT NULL,
    CONSTRAINT audit_chain_head_only_row_check CHECK (only_row)
);

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: commitment_amendments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_amendments (
    id bigint NOT NULL,
    commitment_id bigint NOT NULL,
    amended_at timestamp with time zone NOT NULL,
    fields text[] NOT NULL,
    note text NOT NULL,
    user_id bigint,
    CONSTRAINT commitment_amendments_fields_check CHECK ((cardinality(fields) > 0)),
    CONSTRAINT commitment_amendments_note_check CHECK (((note <> ''::text) AND (char_length(note) <= 200)))
);

--
-- Name: commitment_amendments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.commitment_amendments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.commitment_amendments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: commitment_last_reports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_last_reports (
    commitment_id bigint NOT NULL,
    update_id bigint NOT NULL,
    published_at timestamp with time zone,
    source_period text,
    organisation_id bigint
);

--
-- Name: commitment_lead_organisations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_lead_organisations (
    lead_id bigint NOT NULL,
    organisation_id bigint NOT NULL,
    "position" integer NOT NULL,
    CONSTRAINT commitment_lead_organisations_position_check CHECK (("position" > 0))
);

--
-- Name: commitment_leads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_leads (
    id bigint NOT NULL,
    commitment_id bigint NOT NULL,
    "position" integer NOT NULL,
    line text NOT NULL,
    CONSTRAINT commitment_leads_line_check CHECK ((line <> ''::text)),
    CONSTRAINT commitment_leads_position_check CHECK (("position" > 0))
);

--
-- Name: commitment_leads_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.commitment_leads ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.commitment_leads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: commitment_organisations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_organisations (
    commitment_id bigint NOT NULL,
    organisation_id bigint NOT NULL,
    plan_id bigint NOT NULL,
    major integer NOT NULL,
    minor integer NOT NULL
);

--
-- Name: commitment_search; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_search (
    commitment_id bigint NOT NULL,
    search tsvector NOT NULL
);

--
-- Name: commitment_terms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitment_terms (
    commitment_id bigint NOT NULL,
    term text NOT NULL,
    plan_id bigint NOT NULL,
    rank real NOT NULL,
    major integer NOT NULL,
    minor integer NOT NULL
);

--
-- Name: commitments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.commitments (
    id bigint NOT NULL,
    plan_id bigint NOT NULL,
    priority_id bigint NOT NULL,
    ref text NOT NULL,
    ordinal integer NOT NULL,
    deliver text NOT NULL,
    why text[] DEFAULT '{}'::text[] NOT NULL,
    due_month public.month NOT NULL,
    expected_month public.month,
    status public.delivery_status,
    status_reason text,
    source_url text,
    carried_forward_to bigint,
    carried_forward_from bigint,
    last_published_at timestamp with time zone,
    retired_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    carried_forward_plan text,
    carried_forward_plan_id bigint,
    search tsvector DEFAULT ''::tsvector NOT NULL,
    CONSTRAINT commitments_carried_forward_plan_check CHECK ((carried_forward_plan <> ''::text)),
    CONSTRAINT commitments_deliver_check CHECK ((deliver <> ''::text)),
    CONSTRAINT commitments_ordinal_check CHECK ((ordinal > 0)),
    CONSTRAINT commitments_ref_check CHECK ((ref ~ '^[0-9]+\.[0-9]+$'::text))
);

--
-- Name: commitments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.commitments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.commitments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: data_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.data_version (
    only_row boolean DEFAULT true NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT data_version_only_row_check CHECK (only_row)
);

--
-- Name: digest_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.digest_items (
    id bigint NOT NULL,
    user_id bigint,
    subscriber_id bigint,
    subscription_ids bigint[],
    kind text NOT NULL,
    dedupe_key text,
    subject text NOT NULL,
    body text NOT NULL,
    link text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT digest_items_check CHECK (((user_id IS NULL) <> (subscriber_id IS NULL)))
);

--
-- Name: digest_items_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.digest_items ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.digest_items_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: email_preferences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.email_preferences (
    user_id bigint NOT NULL,
    kind text NOT NULL,
    frequency text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_preferences_frequency_check CHECK ((frequency = ANY (ARRAY['immediate'::text, 'daily'::text]))),
    CONSTRAINT email_preferences_kind_check CHECK ((kind <> ''::text))
);

--
-- Name: feedback; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.feedback (
    id bigint NOT NULL,
    page text DEFAULT ''::text NOT NULL,
    useful boolean,
    doing text DEFAULT ''::text NOT NULL,
    went_wrong text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT feedback_doing_check CHECK ((length(doing) <= 5000)),
    CONSTRAINT feedback_page_check CHECK ((length(page) <= 500)),
    CONSTRAINT feedback_says_something CHECK (((useful IS NOT NULL) OR (doing <> ''::text) OR (went_wrong <> ''::text))),
    CONSTRAINT feedback_went_wrong_check CHECK ((length(went_wrong) <= 5000))
);

--
-- Name: feedback_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.feedback ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.feedback_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: form_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.form_keys (
    purpose text NOT NULL,
    key bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT form_keys_key_check CHECK ((length(key) = 32)),
    CONSTRAINT form_keys_purpose_check CHECK ((purpose <> ''::text))
);

--
-- Name: goose_db_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.goose_db_version (
    id integer NOT NULL,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp without time zone DEFAULT now() NOT NULL
);

--
-- Name: goose_db_version_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.goose_db_version ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.goose_db_version_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: kept_forms; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kept_forms (
    id bigint NOT NULL,
    key_hash text NOT NULL,
    user_id bigint NOT NULL,
    path text NOT NULL,
    form_values jsonb NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT kept_forms_check CHECK ((expires_at > created_at)),
    CONSTRAINT kept_forms_form_values_check CHECK ((jsonb_typeof(form_values) = 'object'::text)),
    CONSTRAINT kept_forms_key_hash_check CHECK ((key_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT kept_forms_path_check CHECK ((path ~~ '/%'::text))
);

--
-- Name: kept_forms_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.kept_forms ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.kept_forms_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: organisations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organisations (
    id bigint NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    as_written text[] DEFAULT '{}'::text[] NOT NULL,
    retired_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    contact_email text,
    CONSTRAINT organisations_code_check CHECK ((code ~ '^[A-Z0-9][A-Z0-9-]*$'::text)),
    CONSTRAINT organisations_contact_email_check CHECK ((contact_email <> ''::text)),
    CONSTRAINT organisations_name_check CHECK ((name <> ''::text))
);

--
-- Name: organisations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.organisations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.organisations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id bigint NOT NULL,
    kind text NOT NULL,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    not_before timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    round_id bigint,
    reminder text,
    user_id bigint,
    dedupe_key text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    html text DEFAULT ''::text NOT NULL,
    list_unsubscribe text DEFAULT ''::text NOT NULL,
    subscriber_id bigint,
    subscription_ids bigint[],
    CONSTRAINT outbox_kind_check CHECK ((kind <> ''::text)),
    CONSTRAINT outbox_recipient_check CHECK ((recipient <> ''::text)),
    CONSTRAINT outbox_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sent'::text, 'failed'::text, 'skipped'::text]))),
    CONSTRAINT outbox_subject_check CHECK ((subject <> ''::text))
);

--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plans (
    id bigint NOT NULL,
    slug text NOT NULL,
    title text NOT NULL,
    period text NOT NULL,
    strategy text DEFAULT ''::text NOT NULL,
    published_on date,
    source_url text DEFAULT ''::text NOT NULL,
    licence text DEFAULT ''::text NOT NULL,
    attribution text DEFAULT ''::text NOT NULL,
    is_current boolean DEFAULT false NOT NULL,
    previous_id bigint,
    retired_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT plans_period_check CHECK ((period <> ''::text)),
    CONSTRAINT plans_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]*$'::text)),
    CONSTRAINT plans_title_check CHECK ((title <> ''::text))
);

--
-- Name: plans_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.plans ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.plans_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: priorities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.priorities (
    id bigint NOT NULL,
    plan_id bigint NOT NULL,
    number integer NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    tagline text DEFAULT ''::text NOT NULL,
    heading text,
    intro text,
    source_url text,
    retired_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT priorities_name_check CHECK ((name <> ''::text)),
    CONSTRAINT priorities_number_check CHECK ((number > 0)),
    CONSTRAINT priorities_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]*$'::text))
);

--
-- Name: priorities_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.priorities ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.priorities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: reporting_rounds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reporting_rounds (
    id bigint NOT NULL,
    plan_id bigint NOT NULL,
    name text NOT NULL,
    opens_on date NOT NULL,
    deadline date NOT NULL,
    remind_before integer[] DEFAULT '{}'::integer[] NOT NULL,
    remind_after integer[] DEFAULT '{}'::integer[] NOT NULL,
    closed_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT reporting_rounds_check CHECK ((deadline >= opens_on)),
    CONSTRAINT reporting_rounds_name_check CHECK ((name <> ''::text))
);

--
-- Name: reporting_rounds_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.reporting_rounds ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.reporting_rounds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    token text NOT NULL,
    data bytea NOT NULL,
    expiry timestamp with time zone NOT NULL
);

--
-- Name: sign_in_throttle; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sign_in_throttle (
    key text NOT NULL,
    failures integer NOT NULL,
    last_failure timestamp with time zone NOT NULL,
    locked_until timestamp with time zone,
    CONSTRAINT sign_in_throttle_failures_check CHECK ((failures > 0))
);

--
-- Name: update_corrections; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.update_corrections (
    id bigint NOT NULL,
    update_id bigint NOT NULL,
    field text NOT NULL,
    before_text text NOT NULL,
    after_text text NOT NULL,
    corrected_by bigint,
    corrected_at timestamp with time zone NOT NULL,
    CONSTRAINT update_corrections_field_check CHECK ((field = ANY (ARRAY['narrative'::text, 'status_reason'::text])))
);

--
-- Name: update_corrections_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.update_corrections ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.update_corrections_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: update_messages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.update_messages (
    id bigint NOT NULL,
    update_id bigint NOT NULL,
    kind text NOT NULL,
    author_id bigint,
    body text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT update_messages_body_check CHECK ((body <> ''::text)),
    CONSTRAINT update_messages_kind_check CHECK ((kind = ANY (ARRAY['return'::text, 'reply'::text, 'answer'::text])))
);

--
-- Name: update_messages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.update_messages ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.update_messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: updates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.updates (
    id bigint NOT NULL,
    commitment_id bigint NOT NULL,
    state text NOT NULL,
    status public.delivery_status NOT NULL,
    status_label text,
    narrative text,
    expected_month public.month,
    timescale text,
    evidence_url text,
    status_reason text,
    base_version integer,
    author_id bigint,
    organisation_id bigint,
    source_title text,
    source_period text,
    source_url text,
    review_note text,
    reviewer_id bigint,
    submitted_at timestamp with time zone,
    returned_at timestamp with time zone,
    published_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    submission bigint,
    base_submission bigint,
    published_version integer,
    carried_forward_plan text,
    carried_forward_plan_id bigint,
    on_track_reason text,
    CONSTRAINT updates_carried_forward_plan CHECK (((source_title IS NOT NULL) OR ((status)::text <> 'carried_forward'::text) OR (carried_forward_plan IS NOT NULL))),
    CONSTRAINT updates_carried_forward_plan_check CHECK ((carried_forward_plan <> ''::text)),
    CONSTRAINT updates_check CHECK (((state <> 'published'::text) OR (published_at IS NOT NULL) OR (source_title IS NOT NULL))),
    CONSTRAINT updates_closing_reason CHECK (((source_title IS NOT NULL) OR ((status)::text <> ALL (ARRAY['withdrawn'::text, 'carried_forward'::text])) OR (status_reason IS NOT NULL))),
    CONSTRAINT updates_evidence_url_check CHECK ((evidence_url ~ '^https?://'::text)),
    CONSTRAINT updates_on_track_reason_check CHECK ((on_track_reason <> ''::text)),
    CONSTRAINT updates_state_check CHECK ((state = ANY (ARRAY['draft'::text, 'submitted'::text, 'returned'::text, 'published'::text])))
);

--
-- Name: updates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.updates ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.updates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: updates_submission_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.updates_submission_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    password_hash text,
    role text NOT NULL,
    organisation_id bigint,
    disabled_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    session_epoch integer DEFAULT 0 NOT NULL,
    password_changed_at timestamp with time zone,
    last_sign_in_at timestamp with time zone,
    CONSTRAINT users_check CHECK (((role = 'partner'::text) = (organisation_id IS NOT NULL))),
    CONSTRAINT users_email_check CHECK ((email <> ''::text)),
    CONSTRAINT users_name_check CHECK ((name <> ''::text)),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'staff'::text, 'partner'::text])))
);

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: account_tokens account_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_tokens
    ADD CONSTRAINT account_tokens_pkey PRIMARY KEY (id);

--
-- Name: account_tokens account_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_tokens
    ADD CONSTRAINT account_tokens_token_hash_key UNIQUE (token_hash);

--
-- Name: aims aims_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aims
    ADD CONSTRAINT aims_pkey PRIMARY KEY (id);

--
-- Name: aims aims_plan_id_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aims
    ADD CONSTRAINT aims_plan_id_number_key UNIQUE (plan_id, number);

--
-- Name: alert_events alert_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_events
    ADD CONSTRAINT alert_events_pkey PRIMARY KEY (id);

--
-- Name: alert_subscribers alert_subscribers_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_subscribers
    ADD CONSTRAINT alert_subscribers_email_key UNIQUE (email);

--
-- Name: alert_subscribers alert_subscribers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_subscribers
    ADD CONSTRAINT alert_subscribers_pkey PRIMARY KEY (id);

--
-- Name: alert_subscriptions alert_subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_subscriptions
    ADD CONSTRAINT alert_subscriptions_pkey PRIMARY KEY (id);

--
-- Name: alert_subscriptions alert_subscriptions_subscriber_id_scope_scope_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_subscriptions
    ADD CONSTRAINT alert_subscriptions_subscriber_id_scope_scope_id_key UNIQUE (subscriber_id, scope, scope_id);

--
-- Name: alert_tokens alert_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_tokens
    ADD CONSTRAINT alert_tokens_pkey PRIMARY KEY (token_hash);

--
-- Name: audit_chain_head audit_chain_head_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain_head
    ADD CONSTRAINT audit_chain_head_pkey PRIMARY KEY (only_row);

--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

--
-- Name: commitment_amendments commitment_amendments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_amendments
    ADD CONSTRAINT commitment_amendments_pkey PRIMARY KEY (id);

--
-- Name: commitment_last_reports commitment_last_reports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_last_reports
    ADD CONSTRAINT commitment_last_reports_pkey PRIMARY KEY (commitment_id);

--
-- Name: commitment_lead_organisations commitment_lead_organisations_lead_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_lead_organisations
    ADD CONSTRAINT commitment_lead_organisations_lead_id_position_key UNIQUE (lead_id, "position");

--
-- Name: commitment_lead_organisations commitment_lead_organisations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_lead_organisations
    ADD CONSTRAINT commitment_lead_organisations_pkey PRIMARY KEY (lead_id, organisation_id);

--
-- Name: commitment_leads commitment_leads_commitment_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_leads
    ADD CONSTRAINT commitment_leads_commitment_id_position_key UNIQUE (commitment_id, "position");

--
-- Name: commitment_leads commitment_leads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_leads
    ADD CONSTRAINT commitment_leads_pkey PRIMARY KEY (id);

--
-- Name: commitment_organisations commitment_organisations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_organisations
    ADD CONSTRAINT commitment_organisations_pkey PRIMARY KEY (commitment_id, organisation_id);

--
-- Name: commitment_search commitment_search_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_search
    ADD CONSTRAINT commitment_search_pkey PRIMARY KEY (commitment_id);

--
-- Name: commitment_terms commitment_terms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_terms
    ADD CONSTRAINT commitment_terms_pkey PRIMARY KEY (commitment_id, term);

--
-- Name: commitments commitments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_pkey PRIMARY KEY (id);

--
-- Name: commitments commitments_plan_id_ref_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_plan_id_ref_key UNIQUE (plan_id, ref);

--
-- Name: data_version data_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.data_version
    ADD CONSTRAINT data_version_pkey PRIMARY KEY (only_row);

--
-- Name: digest_items digest_items_dedupe_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest_items
    ADD CONSTRAINT digest_items_dedupe_key_key UNIQUE (dedupe_key);

--
-- Name: digest_items digest_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest_items
    ADD CONSTRAINT digest_items_pkey PRIMARY KEY (id);

--
-- Name: email_preferences email_preferences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_preferences
    ADD CONSTRAINT email_preferences_pkey PRIMARY KEY (user_id, kind);

--
-- Name: feedback feedback_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.feedback
    ADD CONSTRAINT feedback_pkey PRIMARY KEY (id);

--
-- Name: form_keys form_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.form_keys
    ADD CONSTRAINT form_keys_pkey PRIMARY KEY (purpose);

--
-- Name: goose_db_version goose_db_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.goose_db_version
    ADD CONSTRAINT goose_db_version_pkey PRIMARY KEY (id);

--
-- Name: kept_forms kept_forms_key_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kept_forms
    ADD CONSTRAINT kept_forms_key_hash_key UNIQUE (key_hash);

--
-- Name: kept_forms kept_forms_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kept_forms
    ADD CONSTRAINT kept_forms_pkey PRIMARY KEY (id);

--
-- Name: organisations organisations_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations
    ADD CONSTRAINT organisations_code_key UNIQUE (code);

--
-- Name: organisations organisations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organisations
    ADD CONSTRAINT organisations_pkey PRIMARY KEY (id);

--
-- Name: outbox outbox_dedupe_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_dedupe_key_key UNIQUE (dedupe_key);

--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (id);

--
-- Name: plans plans_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_slug_key UNIQUE (slug);

--
-- Name: priorities priorities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.priorities
    ADD CONSTRAINT priorities_pkey PRIMARY KEY (id);

--
-- Name: priorities priorities_plan_id_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.priorities
    ADD CONSTRAINT priorities_plan_id_number_key UNIQUE (plan_id, number);

--
-- Name: priorities priorities_plan_id_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.priorities
    ADD CONSTRAINT priorities_plan_id_slug_key UNIQUE (plan_id, slug);

--
-- Name: reporting_rounds reporting_rounds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reporting_rounds
    ADD CONSTRAINT reporting_rounds_pkey PRIMARY KEY (id);

--
-- Name: reporting_rounds reporting_rounds_plan_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reporting_rounds
    ADD CONSTRAINT reporting_rounds_plan_id_name_key UNIQUE (plan_id, name);

--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token);

--
-- Name: sign_in_throttle sign_in_throttle_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sign_in_throttle
    ADD CONSTRAINT sign_in_throttle_pkey PRIMARY KEY (key);

--
-- Name: update_corrections update_corrections_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_corrections
    ADD CONSTRAINT update_corrections_pkey PRIMARY KEY (id);

--
-- Name: update_messages update_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_messages
    ADD CONSTRAINT update_messages_pkey PRIMARY KEY (id);

--
-- Name: updates updates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_pkey PRIMARY KEY (id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

--
-- Name: account_tokens_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX account_tokens_user ON public.account_tokens USING btree (user_id) WHERE (used_at IS NULL);

--
-- Name: alert_events_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_events_pending ON public.alert_events USING btree (id) WHERE (done_at IS NULL);

--
-- Name: alert_subscriptions_scope; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_subscriptions_scope ON public.alert_subscriptions USING btree (scope, scope_id) WHERE (confirmed_at IS NOT NULL);

--
-- Name: alert_subscriptions_unconfirmed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_subscriptions_unconfirmed ON public.alert_subscriptions USING btree (created_at) WHERE (confirmed_at IS NULL);

--
-- Name: alert_tokens_expires; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_tokens_expires ON public.alert_tokens USING btree (expires_at);

--
-- Name: alert_tokens_subscriber; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_tokens_subscriber ON public.alert_tokens USING btree (subscriber_id);

--
-- Name: audit_log_action_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_action_at ON public.audit_log USING btree (action, at DESC, id DESC);

--
-- Name: audit_log_actor_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_actor_at ON public.audit_log USING btree (actor_id, at DESC, id DESC);

--
-- Name: audit_log_actor_email; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_actor_email ON public.audit_log USING btree (lower(actor_email), at DESC, id DESC);

--
-- Name: audit_log_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_at ON public.audit_log USING btree (at DESC, id DESC);

--
-- Name: audit_log_record_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_record_at ON public.audit_log USING btree (record_type, record_id, at DESC, id DESC);

--
-- Name: commitment_amendments_commitment; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_amendments_commitment ON public.commitment_amendments USING btree (commitment_id, amended_at DESC, id DESC);

--
-- Name: commitment_last_reports_update; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_last_reports_update ON public.commitment_last_reports USING btree (update_id);

--
-- Name: commitment_lead_organisations_org; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_lead_organisations_org ON public.commitment_lead_organisations USING btree (organisation_id);

--
-- Name: commitment_organisations_page; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_organisations_page ON public.commitment_organisations USING btree (organisation_id, plan_id, major, minor) INCLUDE (commitment_id);

--
-- Name: commitment_search_document; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_search_document ON public.commitment_search USING gin (search);

--
-- Name: commitment_terms_page; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitment_terms_page ON public.commitment_terms USING btree (plan_id, term, rank DESC, major, minor) INCLUDE (commitment_id);

--
-- Name: commitments_plan_cover; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_cover ON public.commitments USING btree (plan_id, priority_id) INCLUDE (status, expected_month, due_month, last_published_at, ordinal, id) WHERE (retired_at IS NULL);

--
-- Name: commitments_plan_expected; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_expected ON public.commitments USING btree (plan_id, COALESCE(expected_month, due_month)) WHERE (retired_at IS NULL);

--
-- Name: commitments_plan_last_published; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_last_published ON public.commitments USING btree (plan_id, last_published_at DESC NULLS LAST) WHERE (retired_at IS NULL);

--
-- Name: commitments_plan_ref_order; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_ref_order ON public.commitments USING btree (plan_id, ((split_part(ref, '.'::text, 1))::integer), ((split_part(ref, '.'::text, 2))::integer)) WHERE (retired_at IS NULL);

--
-- Name: commitments_plan_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_status_id ON public.commitments USING btree (plan_id, status) INCLUDE (id) WHERE (retired_at IS NULL);

--
-- Name: commitments_plan_updated; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_plan_updated ON public.commitments USING btree (plan_id, updated_at);

--
-- Name: commitments_priority; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_priority ON public.commitments USING btree (priority_id, ordinal);

--
-- Name: commitments_retired; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_retired ON public.commitments USING btree (id) WHERE (retired_at IS NOT NULL);

--
-- Name: commitments_search_document; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commitments_search_document ON public.commitments USING gin (search);

--
-- Name: digest_items_subscriber; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX digest_items_subscriber ON public.digest_items USING btree (subscriber_id, created_at) WHERE (subscriber_id IS NOT NULL);

--
-- Name: digest_items_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX digest_items_user ON public.digest_items USING btree (user_id, created_at) WHERE (user_id IS NOT NULL);

--
-- Name: feedback_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX feedback_created ON public.feedback USING btree (created_at DESC, id DESC);

--
-- Name: feedback_page; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX feedback_page ON public.feedback USING btree (page, created_at DESC, id DESC);

--
-- Name: kept_forms_expires_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kept_forms_expires_at ON public.kept_forms USING btree (expires_at);

--
-- Name: kept_forms_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kept_forms_user_id ON public.kept_forms USING btree (user_id);

--
-- Name: outbox_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_created ON public.outbox USING btree (created_at DESC, id DESC);

--
-- Name: outbox_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_pending ON public.outbox USING btree (not_before) WHERE (status = 'pending'::text);

--
-- Name: outbox_round; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_round ON public.outbox USING btree (round_id);

--
-- Name: outbox_subscriber; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_subscriber ON public.outbox USING btree (subscriber_id) WHERE (subscriber_id IS NOT NULL);

--
-- Name: plans_one_current; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX plans_one_current ON public.plans USING btree (is_current) WHERE is_current;

--
-- Name: reporting_rounds_one_open; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX reporting_rounds_one_open ON public.reporting_rounds USING btree (plan_id) WHERE (closed_at IS NULL);

--
-- Name: sessions_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_expiry_idx ON public.sessions USING btree (expiry);

--
-- Name: sign_in_throttle_last_failure; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sign_in_throttle_last_failure ON public.sign_in_throttle USING btree (last_failure);

--
-- Name: update_corrections_update_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX update_corrections_update_id ON public.update_corrections USING btree (update_id, id);

--
-- Name: update_messages_update_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX update_messages_update_id ON public.update_messages USING btree (update_id, id);

--
-- Name: updates_commitment_published; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX updates_commitment_published ON public.updates USING btree (commitment_id, published_at DESC) WHERE (state = 'published'::text);

--
-- Name: updates_commitment_submission; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX updates_commitment_submission ON public.updates USING btree (commitment_id, submission);

--
-- Name: updates_open_per_organisation; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX updates_open_per_organisation ON public.updates USING btree (commitment_id, organisation_id) WHERE ((state <> 'published'::text) AND (organisation_id IS NOT NULL));

--
-- Name: updates_open_per_staff_author; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX updates_open_per_staff_author ON public.updates USING btree (commitment_id, author_id) WHERE ((state <> 'published'::text) AND (organisation_id IS NULL));

--
-- Name: updates_published_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX updates_published_at ON public.updates USING btree (published_at DESC) WHERE (state = 'published'::text);

--
-- Name: updates_published_updated; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX updates_published_updated ON public.updates USING btree (updated_at) WHERE (state = 'published'::text);

--
-- Name: updates_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX updates_state ON public.updates USING btree (state, submitted_at) WHERE (state <> 'published'::text);

--
-- Name: users_email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_email ON public.users USING btree (lower(email));

--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_append_only();

--
-- Name: audit_log audit_log_chain; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON public.audit_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.audit_log_chain();

--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_log_append_only();

--
-- Name: audit_log audit_log_unlinked; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_unlinked BEFORE INSERT ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_append_only();

--
-- Name: commitment_last_reports commitment_last_reports_fields; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_last_reports_fields BEFORE INSERT OR UPDATE OF update_id ON public.commitment_last_reports FOR EACH ROW EXECUTE FUNCTION public.commitment_last_reports_fields();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_organisations_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_organisations_delete AFTER DELETE ON public.commitment_lead_organisations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_organisations();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_organisations_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_organisations_insert AFTER INSERT ON public.commitment_lead_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_organisations();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_organisations_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_organisations_update AFTER UPDATE ON public.commitment_lead_organisations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_organisations();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_touch_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_touch_delete AFTER DELETE ON public.commitment_lead_organisations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_touch();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_touch_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_touch_insert AFTER INSERT ON public.commitment_lead_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_touch();

--
-- Name: commitment_lead_organisations commitment_lead_organisations_touch_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_lead_organisations_touch_update AFTER UPDATE ON public.commitment_lead_organisations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_lead_organisations_touch();

--
-- Name: commitment_leads commitment_leads_organisations_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_organisations_delete AFTER DELETE ON public.commitment_leads REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_organisations();

--
-- Name: commitment_leads commitment_leads_organisations_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_organisations_insert AFTER INSERT ON public.commitment_leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_organisations();

--
-- Name: commitment_leads commitment_leads_organisations_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_organisations_update AFTER UPDATE ON public.commitment_leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_organisations();

--
-- Name: commitment_leads commitment_leads_search_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_search_delete AFTER DELETE ON public.commitment_leads REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_search();

--
-- Name: commitment_leads commitment_leads_search_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_search_insert AFTER INSERT ON public.commitment_leads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_search();

--
-- Name: commitment_leads commitment_leads_search_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_leads_search_update AFTER UPDATE ON public.commitment_leads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_leads_search();

--
-- Name: commitment_search commitment_search_terms_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_search_terms_insert AFTER INSERT ON public.commitment_search REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_search_terms();

--
-- Name: commitment_search commitment_search_terms_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitment_search_terms_update AFTER UPDATE ON public.commitment_search REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitment_search_terms();

--
-- Name: commitments commitments_organisations; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_organisations AFTER UPDATE OF ref, plan_id, retired_at ON public.commitments FOR EACH ROW WHEN (((old.ref IS DISTINCT FROM new.ref) OR (old.plan_id IS DISTINCT FROM new.plan_id) OR (old.retired_at IS DISTINCT FROM new.retired_at))) EXECUTE FUNCTION public.commitment_organisations_row();

--
-- Name: commitments commitments_search; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_search BEFORE INSERT OR UPDATE OF deliver, why ON public.commitments FOR EACH ROW EXECUTE FUNCTION public.commitments_search();

--
-- Name: commitments commitments_terms; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_terms AFTER UPDATE OF ref, plan_id, retired_at, search ON public.commitments FOR EACH ROW WHEN (((old.ref IS DISTINCT FROM new.ref) OR (old.plan_id IS DISTINCT FROM new.plan_id) OR (old.retired_at IS DISTINCT FROM new.retired_at) OR (old.search IS DISTINCT FROM new.search))) EXECUTE FUNCTION public.commitment_terms_row();

--
-- Name: commitments commitments_touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_touch BEFORE UPDATE ON public.commitments FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

--
-- Name: commitments commitments_whole_search_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_whole_search_insert AFTER INSERT ON public.commitments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.commitments_whole_search();

--
-- Name: commitments commitments_whole_search_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER commitments_whole_search_update AFTER UPDATE OF deliver, why ON public.commitments FOR EACH ROW WHEN (((old.deliver IS DISTINCT FROM new.deliver) OR (old.why IS DISTINCT FROM new.why))) EXECUTE FUNCTION public.commitment_whole_search_row();

--
-- Name: aims data_version_aims; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_aims AFTER INSERT OR DELETE OR UPDATE ON public.aims DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: commitment_amendments data_version_commitment_amendments; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_commitment_amendments AFTER INSERT OR DELETE OR UPDATE ON public.commitment_amendments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: commitment_lead_organisations data_version_commitment_lead_organisations; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_commitment_lead_organisations AFTER INSERT OR DELETE OR UPDATE ON public.commitment_lead_organisations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: commitment_leads data_version_commitment_leads; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_commitment_leads AFTER INSERT OR DELETE OR UPDATE ON public.commitment_leads DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: commitments data_version_commitments; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_commitments AFTER INSERT OR DELETE OR UPDATE ON public.commitments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: organisations data_version_organisations; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_organisations AFTER INSERT OR DELETE OR UPDATE ON public.organisations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: plans data_version_plans; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_plans AFTER INSERT OR DELETE OR UPDATE ON public.plans DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: priorities data_version_priorities; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_priorities AFTER INSERT OR DELETE OR UPDATE ON public.priorities DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.data_version_bump();

--
-- Name: updates data_version_updates; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_updates AFTER INSERT OR UPDATE ON public.updates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.state = 'published'::text)) EXECUTE FUNCTION public.data_version_bump();

--
-- Name: updates data_version_updates_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER data_version_updates_delete AFTER DELETE ON public.updates DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((old.state = 'published'::text)) EXECUTE FUNCTION public.data_version_bump();

--
-- Name: organisations organisations_touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER organisations_touch BEFORE UPDATE ON public.organisations FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

--
-- Name: plans plans_touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER plans_touch BEFORE UPDATE ON public.plans FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

--
-- Name: priorities priorities_touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER priorities_touch BEFORE UPDATE ON public.priorities FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

--
-- Name: updates updates_last_report_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_last_report_insert AFTER INSERT ON public.updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.updates_last_report();

--
-- Name: updates updates_last_report_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_last_report_update AFTER UPDATE ON public.updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.updates_last_report();

--
-- Name: updates updates_published_are_final; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_published_are_final BEFORE DELETE OR UPDATE ON public.updates FOR EACH ROW EXECUTE FUNCTION public.updates_published_are_final();

--
-- Name: updates updates_search_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_search_insert AFTER INSERT ON public.updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.updates_search();

--
-- Name: updates updates_search_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_search_update AFTER UPDATE ON public.updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.updates_search();

--
-- Name: updates updates_touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER updates_touch BEFORE UPDATE ON public.updates FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

--
-- Name: account_tokens account_tokens_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_tokens
    ADD CONSTRAINT account_tokens_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id);

--
-- Name: account_tokens account_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_tokens
    ADD CONSTRAINT account_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

--
-- Name: aims aims_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aims
    ADD CONSTRAINT aims_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);

--
-- Name: alert_events alert_events_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_events
    ADD CONSTRAINT alert_events_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id);

--
-- Name: alert_events alert_events_update_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_events
    ADD CONSTRAINT alert_events_update_id_fkey FOREIGN KEY (update_id) REFERENCES public.updates(id);

--
-- Name: alert_subscriptions alert_subscriptions_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_subscriptions
    ADD CONSTRAINT alert_subscriptions_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.alert_subscribers(id) ON DELETE CASCADE;

--
-- Name: alert_tokens alert_tokens_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_tokens
    ADD CONSTRAINT alert_tokens_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.alert_subscribers(id) ON DELETE CASCADE;

--
-- Name: audit_log audit_log_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.users(id);

--
-- Name: commitment_amendments commitment_amendments_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_amendments
    ADD CONSTRAINT commitment_amendments_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id);

--
-- Name: commitment_amendments commitment_amendments_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_amendments
    ADD CONSTRAINT commitment_amendments_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

--
-- Name: commitment_last_reports commitment_last_reports_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_last_reports
    ADD CONSTRAINT commitment_last_reports_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id) ON DELETE CASCADE;

--
-- Name: commitment_last_reports commitment_last_reports_update_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_last_reports
    ADD CONSTRAINT commitment_last_reports_update_id_fkey FOREIGN KEY (update_id) REFERENCES public.updates(id) ON DELETE CASCADE;

--
-- Name: commitment_lead_organisations commitment_lead_organisations_lead_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_lead_organisations
    ADD CONSTRAINT commitment_lead_organisations_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES public.commitment_leads(id) ON DELETE CASCADE;

--
-- Name: commitment_lead_organisations commitment_lead_organisations_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_lead_organisations
    ADD CONSTRAINT commitment_lead_organisations_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id);

--
-- Name: commitment_leads commitment_leads_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_leads
    ADD CONSTRAINT commitment_leads_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id) ON DELETE CASCADE;

--
-- Name: commitment_organisations commitment_organisations_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_organisations
    ADD CONSTRAINT commitment_organisations_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id) ON DELETE CASCADE;

--
-- Name: commitment_organisations commitment_organisations_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_organisations
    ADD CONSTRAINT commitment_organisations_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id) ON DELETE CASCADE;

--
-- Name: commitment_search commitment_search_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_search
    ADD CONSTRAINT commitment_search_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id) ON DELETE CASCADE;

--
-- Name: commitment_terms commitment_terms_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitment_terms
    ADD CONSTRAINT commitment_terms_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id) ON DELETE CASCADE;

--
-- Name: commitments commitments_carried_forward_from_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_carried_forward_from_fkey FOREIGN KEY (carried_forward_from) REFERENCES public.commitments(id);

--
-- Name: commitments commitments_carried_forward_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_carried_forward_plan_id_fkey FOREIGN KEY (carried_forward_plan_id) REFERENCES public.plans(id);

--
-- Name: commitments commitments_carried_forward_to_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_carried_forward_to_fkey FOREIGN KEY (carried_forward_to) REFERENCES public.commitments(id);

--
-- Name: commitments commitments_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);

--
-- Name: commitments commitments_priority_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.commitments
    ADD CONSTRAINT commitments_priority_id_fkey FOREIGN KEY (priority_id) REFERENCES public.priorities(id);

--
-- Name: digest_items digest_items_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest_items
    ADD CONSTRAINT digest_items_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.alert_subscribers(id) ON DELETE CASCADE;

--
-- Name: digest_items digest_items_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.digest_items
    ADD CONSTRAINT digest_items_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: email_preferences email_preferences_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_preferences
    ADD CONSTRAINT email_preferences_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: kept_forms kept_forms_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kept_forms
    ADD CONSTRAINT kept_forms_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

--
-- Name: outbox outbox_round_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.reporting_rounds(id);

--
-- Name: outbox outbox_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

--
-- Name: plans plans_previous_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plans
    ADD CONSTRAINT plans_previous_id_fkey FOREIGN KEY (previous_id) REFERENCES public.plans(id);

--
-- Name: priorities priorities_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.priorities
    ADD CONSTRAINT priorities_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);

--
-- Name: reporting_rounds reporting_rounds_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reporting_rounds
    ADD CONSTRAINT reporting_rounds_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id);

--
-- Name: update_corrections update_corrections_corrected_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_corrections
    ADD CONSTRAINT update_corrections_corrected_by_fkey FOREIGN KEY (corrected_by) REFERENCES public.users(id);

--
-- Name: update_corrections update_corrections_update_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_corrections
    ADD CONSTRAINT update_corrections_update_id_fkey FOREIGN KEY (update_id) REFERENCES public.updates(id);

--
-- Name: update_messages update_messages_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_messages
    ADD CONSTRAINT update_messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users(id);

--
-- Name: update_messages update_messages_update_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.update_messages
    ADD CONSTRAINT update_messages_update_id_fkey FOREIGN KEY (update_id) REFERENCES public.updates(id);

--
-- Name: updates updates_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users(id);

--
-- Name: updates updates_carried_forward_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_carried_forward_plan_id_fkey FOREIGN KEY (carried_forward_plan_id) REFERENCES public.plans(id);

--
-- Name: updates updates_commitment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_commitment_id_fkey FOREIGN KEY (commitment_id) REFERENCES public.commitments(id);

--
-- Name: updates updates_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id);

--
-- Name: updates updates_reviewer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.updates
    ADD CONSTRAINT updates_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES public.users(id);

--
-- Name: users users_organisation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES public.organisations(id);

--
-- PostgreSQL database dump complete
--

