-- +goose Up
-- The published Care in the Digital Age: Delivery Plan 2023-24, word for word, and what the
-- 2024-25 and 2025-26 plans reported about its commitments. Crown copyright, Open Government
-- Licence v3.0.

INSERT INTO plans (slug, title, period, strategy, published_on, source_url, licence, attribution, is_current)
VALUES ('2023-24', 'Care in the Digital Age: Delivery Plan 2023-24', '2023-24', 'Care in the Digital Age: Scotland''s Digital Health and Care Strategy', '2023-08-04', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/', 'Open Government Licence v3.0', 'Contains public sector information licensed under the Open Government Licence v3.0.', true);

INSERT INTO aims (plan_id, number, text)
SELECT plans.id, v.number, v.text FROM plans, (VALUES
    (1, 'Citizens have access to, and greater control over, their own health and care data – as well as access to the digital information, tools and services they need to help maintain and improve their health and wellbeing.'),
    (2, 'Health and care services are built on people-centred, safe, secure and ethical digital foundations which allow staff to record, access and share relevant information across the health and social care system, and feel confident in their use of digital technology, in order to improve the delivery of care.'),
    (3, 'Health and care planners, researchers and innovators have secure access to the data they need in order to increase the efficiency of our health and care systems and develop new and improved ways of working.')
) AS v (number, text) WHERE plans.slug = '2023-24';

INSERT INTO priorities (plan_id, number, slug, name, tagline, heading, intro, source_url)
SELECT plans.id, v.number, v.slug, v.name, v.tagline, v.heading, v.intro, v.source_url FROM plans, (VALUES
    (1, 'digital-access', 'Digital Access', 'People have flexible digital access to information, their own data and services which support their health and wellbeing, wherever they are.', NULL, NULL, NULL),
    (2, 'digital-services', 'Digital Services', 'Digital options are increasingly available as a choice for people accessing services and staff delivering them.', NULL, NULL, NULL),
    (3, 'digital-foundations', 'Digital Foundations', 'The infrastructure, systems, regulation, standards, and governance are in place to ensure robust and secure delivery.', NULL, NULL, NULL),
    (4, 'digital-skills-and-leadership', 'Digital Skills and Leadership', 'Digital skills are seen as core skills for the workforce across the health and care sector.', 'Digital Skills and Leadership', 'In order to embed digital transformation, leaders across health and social care must be equipped with the necessary digital skills. That extends to the skills required to identify where digital could be used, rather than just how to use digital. This requires us to continue building knowledge and skills within the health and social care system to support and deliver digital transformation. This starts from the top of an organisation, from Board-level down. The success of digital transformation is entirely reliant on people''s ability to know when, why and crucially how to use digital. Workforce development in digital skills, leadership and capabilities across the whole health and social care sector underpins the successful uptake and use of digital technologies.', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (5, 'digital-futures', 'Digital Futures', 'Our wellbeing and economy benefits as Scotland remains at the heart of digital innovation and development.', 'Digital Futures – Innovating and Enhancing Our Digital Nation', 'Advances in technology, and the growth in its use, means we need a constant focus on what is coming next. Scotland is well placed to support the development, design, testing and – ultimately – the adoption of new technology. We will seek to maximise opportunities for a pipeline of innovation through supporting the adoption and scaling up of initiatives that have the potential to reduce the already heavy burden on our workforce. This will also create new jobs and roles of tomorrow and strengthen how people interact and engage with health and care services..

We also engage across the UK and Europe – and further afield – to share learning and knowledge, attract extra funding while growing our own expertise. This includes conducting extensive research so that we understand the best approach to replacing some of our core systems, and the detailed planning needed before we replace old systems or change the ways that people work.', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/7/'),
    (6, 'data-driven-services-and-insights', 'Data-Driven Services and Insights', 'Data is harnessed to the benefit of citizens, services and innovation.', NULL, NULL, NULL)
) AS v (number, slug, name, tagline, heading, intro, source_url) WHERE plans.slug = '2023-24';

INSERT INTO organisations (code, name, as_written) VALUES
    ('SG-DHCD', 'Scottish Government Digital Health and Care Directorate', ARRAY['Scottish Government Digital Health and Care Directorate']::text[]),
    ('NES', 'NHS Education for Scotland', ARRAY['NES']::text[]),
    ('LGDO', 'Local Government Digital Office', ARRAY['LGDO']::text[]),
    ('SSSC', 'Scottish Social Services Council', ARRAY['SSSC']::text[]),
    ('DHI', 'Digital Health & Care Innovation Centre', ARRAY['DHI']::text[]),
    ('NHS-BOARDS', 'NHS Boards', ARRAY['NHS Boards']::text[]),
    ('CIVTECH', 'CivTech (Digital Directorate)', ARRAY['CivTech (Digital Directorate)']::text[]),
    ('CSO', 'Chief Scientist Office', ARRAY['Chief Scientist Office (CSO)']::text[]),
    ('NHS-TEST-BEDS', 'NHS Test Beds', ARRAY['NHS Test Beds']::text[])
;

INSERT INTO commitments (plan_id, priority_id, ref, ordinal, deliver, why, due_month, source_url)
SELECT plans.id, priorities.id, v.ref, v.ordinal, v.deliver, v.why, v.due_month::date, v.source_url
FROM plans JOIN priorities ON priorities.plan_id = plans.id, (VALUES
    (4, '4.1', 1, 'Provide a Leading Digital Transformation in Health and Care MSc for 50 people a year.',
     ARRAY['Support and develop our current and future leaders to drive, deliver and embed digital transformation across Scotland’s health and care services']::text[],
     '2026-03-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (4, '4.2', 2, 'A refreshed programme supporting digital data leadership and skills via published Learning Pathways for specific staff groupings and career stages',
     ARRAY['To further develop the core skills and digital confidence of the current, future, and specialist workforce in health and social care.']::text[],
     '2024-09-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (4, '4.3', 3, 'Support the development of our specialist Digital, Data, and Technology (DDaT) professional workforce.',
     ARRAY['Inform recruitment and retention and ensure the appropriate level of leadership, skills and capacity, with an initial focus on the DDaT Capability Framework within NHS Scotland Boards.']::text[],
     '2025-12-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (4, '4.4', 4, 'Promote move to continuous model of measuring digital maturity progress, and use results to inform priority setting and planning.',
     ARRAY['Develop leaders’ understanding of the digital agenda, build confidence and competence to harness and exploit opportunities of digital transformation in health and social care services']::text[],
     '2024-03-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (4, '4.5', 5, 'Launch health and social care themed ''Innovation for Wellbeing'' challenges through CivTech 10.',
     ARRAY['Provide a national opportunity for multiple health and social care organisations to collaboratively identify and request solutions for specific challenges facing the health and social care sector.', 'An approach that seeks to bring to light innovation and ideas on an established national platform that can benefit of the whole of Scotland.', 'CivTech challenges allows the bespoke nature of health and social care sector which requires a unique set of skills and approaches given its complexity and size to come together to develop innovative solutions.']::text[],
     '2024-04-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/6/'),
    (5, '5.1', 1, 'Opportunities for knowledge exchange, funding and collaboration with international stakeholders.',
     ARRAY['Promoting Scotland as a leader and as a strong collaborative and learning partner in digital health and social care.', 'Support the sustainable development and delivery of digital health and social care for Scotland.']::text[],
     '2024-03-01', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2023-24/pages/7/')
) AS v (priority, ref, ordinal, deliver, why, due_month, source_url)
WHERE plans.slug = '2023-24' AND priorities.number = v.priority;

-- Lead lines as printed.
INSERT INTO commitment_leads (commitment_id, position, line)
SELECT commitments.id, v.position, v.line FROM commitments JOIN plans ON plans.id = commitments.plan_id, (VALUES
    ('4.1', 1, 'NES'),
    ('4.2', 1, 'Scottish Government Digital Health and Care Directorate'),
    ('4.2', 2, 'LGDO'),
    ('4.2', 3, 'NES'),
    ('4.2', 4, 'SSSC'),
    ('4.2', 5, 'DHI'),
    ('4.3', 1, 'Scottish Government Digital Health and Care Directorate'),
    ('4.3', 2, 'LGDO'),
    ('4.3', 3, 'NHS Boards'),
    ('4.3', 4, 'NES'),
    ('4.5', 1, 'CivTech (Digital Directorate)'),
    ('4.5', 2, 'Scottish Government Digital Health and Care Directorate and Chief Scientist Office (CSO)'),
    ('4.5', 3, 'NHS Test Beds'),
    ('4.5', 4, 'DHI'),
    ('4.5', 5, 'LGDO and others, depending on the nature of the challenges.'),
    ('5.1', 1, 'Scottish Government Digital Health and Care Directorate'),
    ('5.1', 2, 'DHI')
) AS v (ref, position, line) WHERE plans.slug = '2023-24' AND commitments.ref = v.ref;

-- The organisations each lead line names.
INSERT INTO commitment_lead_organisations (lead_id, organisation_id, position)
SELECT commitment_leads.id, organisations.id, v.position
FROM commitment_leads
JOIN commitments ON commitments.id = commitment_leads.commitment_id
JOIN plans ON plans.id = commitments.plan_id, organisations, (VALUES
    ('4.1', 1, 'NES', 1),
    ('4.2', 1, 'SG-DHCD', 1),
    ('4.2', 2, 'LGDO', 1),
    ('4.2', 3, 'NES', 1),
    ('4.2', 4, 'SSSC', 1),
    ('4.2', 5, 'DHI', 1),
    ('4.3', 1, 'SG-DHCD', 1),
    ('4.3', 2, 'LGDO', 1),
    ('4.3', 3, 'NHS-BOARDS', 1),
    ('4.3', 4, 'NES', 1),
    ('4.5', 1, 'CIVTECH', 1),
    ('4.5', 2, 'SG-DHCD', 1),
    ('4.5', 2, 'CSO', 2),
    ('4.5', 3, 'NHS-TEST-BEDS', 1),
    ('4.5', 4, 'DHI', 1),
    ('4.5', 5, 'LGDO', 1),
    ('5.1', 1, 'SG-DHCD', 1),
    ('5.1', 2, 'DHI', 1)
) AS v (ref, line, code, position)
WHERE plans.slug = '2023-24' AND commitments.ref = v.ref AND commitment_leads.position = v.line
  AND organisations.code = v.code;

-- Progress as the later plans published it: their own words, their pages, no invented dates.
INSERT INTO updates (commitment_id, state, status, status_label, narrative, expected_month, timescale,
                     source_title, source_period, source_url)
SELECT commitments.id, 'published', v.status, v.status_label, v.narrative, v.expected_month::date,
       v.timescale, v.source_title, v.source_period, v.source_url
FROM commitments JOIN plans ON plans.id = commitments.plan_id, (VALUES
    ('4.1', 'on_track', 'On Track', NULL,
     '2026-03-01', 'March 2026',
     'Care in the Digital Age: Delivery Plan 2024-25', '2024-25', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2024-25/pages/5/'),
    ('4.2', 'on_track', 'On Track', NULL,
     '2024-09-01', 'September 2024',
     'Care in the Digital Age: Delivery Plan 2024-25', '2024-25', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2024-25/pages/5/'),
    ('4.3', 'on_track', 'On Track', NULL,
     '2025-12-01', 'December 2025',
     'Care in the Digital Age: Delivery Plan 2024-25', '2024-25', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2024-25/pages/5/'),
    ('5.1', 'on_track', 'On Track', NULL,
     '2024-03-01', 'March 2024',
     'Care in the Digital Age: Delivery Plan 2024-25', '2024-25', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2024-25/pages/6/'),
    ('4.1', 'on_track', 'On Track', 'Cohort 1 Diploma completed May 2025, MSc Year starts September 2025. Cohort 2 completed Certificate May 2025. Cohort 3 Post-Graduate Certificate starts September 2025, applications opened May 2025.',
     '2026-03-01', 'March 2026',
     'Care in the Digital Age: Delivery Plan 2025-26', '2025-26', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2025-2026/pages/5/'),
    ('4.2', 'delivered', 'Completed', 'Digital and Data Capability Framework launched July 2024. Four Learner Pathways published September 2024. AI and Cyber Security pathways published March 2025.',
     NULL, NULL,
     'Care in the Digital Age: Delivery Plan 2025-26', '2025-26', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2025-2026/pages/5/'),
    ('5.1', 'delivered', 'Completed; Ongoing', 'Our International Engagement Team continues to deliver knowledge exchange, funding and collaboration.',
     NULL, NULL,
     'Care in the Digital Age: Delivery Plan 2025-26', '2025-26', 'https://www.gov.scot/publications/care-digital-age-delivery-plan-2025-2026/pages/6/')
) AS v (ref, status, status_label, narrative, expected_month, timescale, source_title, source_period, source_url)
WHERE plans.slug = '2023-24' AND commitments.ref = v.ref;

-- Each commitment's current status is that of its latest report; a reported timescale that
-- differs from the plan's deadline becomes the expected month.
UPDATE commitments SET status = latest.status,
    expected_month = CASE WHEN latest.expected_month <> commitments.due_month THEN latest.expected_month END
FROM (SELECT DISTINCT ON (commitment_id) commitment_id, status, expected_month
      FROM updates WHERE state = 'published' ORDER BY commitment_id, source_period DESC) AS latest
WHERE latest.commitment_id = commitments.id;

-- +goose Down
-- Nothing to undo here: rolling back the schema migration removes the plan with its tables.
SELECT 1;
