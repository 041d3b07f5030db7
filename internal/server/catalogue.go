package server

import (
	"cmp"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// The open data page describes the data in JSON-LD with schema.org's vocabulary, which data
// catalogues (CKAN's DCAT harvesters, data.gov.uk) and dataset search engines read: a
// DataCatalog of one Dataset per plan, each with its downloads as distributions (DataDownload,
// schema.org's counterpart of dcat:Distribution), its licence, publisher and source.

type catalogueJSON struct {
	Context     string        `json:"@context"`
	Type        string        `json:"@type"`
	ID          string        `json:"@id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	URL         string        `json:"url"`
	Publisher   orgJSONLD     `json:"publisher"`
	License     string        `json:"license"`
	InLanguage  string        `json:"inLanguage"`
	Dataset     []datasetJSON `json:"dataset"`
}

type orgJSONLD struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type datasetJSON struct {
	Type                string             `json:"@type"`
	ID                  string             `json:"@id"`
	Name                string             `json:"name"`
	Description         string             `json:"description"`
	URL                 string             `json:"url"`
	SameAs              string             `json:"sameAs,omitempty"`
	IsBasedOn           string             `json:"isBasedOn,omitempty"`
	Keywords            []string           `json:"keywords"`
	License             string             `json:"license"`
	IsAccessibleForFree bool               `json:"isAccessibleForFree"`
	Creator             orgJSONLD          `json:"creator"`
	Publisher           orgJSONLD          `json:"publisher"`
	SpatialCoverage     string             `json:"spatialCoverage"`
	DatePublished       string             `json:"datePublished,omitempty"`
	InLanguage          string             `json:"inLanguage"`
	SubjectOf           string             `json:"subjectOf"`
	Distribution        []distributionJSON `json:"distribution"`
}

type distributionJSON struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	EncodingFormat string `json:"encodingFormat"`
	ContentURL     string `json:"contentUrl"`
	Description    string `json:"description,omitempty"`
}

// catalogueFor describes the open data of the plans, with absolute addresses under site.
func catalogueFor(site string, plans []tracker.Plan) catalogueJSON {
	gov := orgJSONLD{Type: "GovernmentOrganization", Name: "Scottish Government", URL: "https://www.gov.scot/"}
	c := catalogueJSON{
		Context: "https://schema.org/", Type: "DataCatalog", ID: site + paths.Data,
		Name:        "Delivery Tracker open data",
		Description: "The commitments of Scotland's digital health and care delivery plans and every update on their progress published since, under the " + web.LicenceName + ".",
		URL:         site + paths.Data, Publisher: gov, License: web.LicenceURL, InLanguage: "en-GB",
	}
	for _, p := range plans {
		d := datasetJSON{
			Type: "Dataset", ID: site + paths.DataPackage(p), Name: p.Title + ": commitments and published progress",
			Description: "The commitments of the " + p.Title + ", with their status, and every update on their progress published since: " +
				"what was promised, who leads it, when it is due and how far it has got.",
			URL: site + paths.Overview(p), IsBasedOn: p.SourceURL,
			Keywords:            []string{"digital health and care", "delivery plan", "Scotland", "commitments", "progress"},
			License:             web.LicenceURL,
			IsAccessibleForFree: true,
			Creator:             orgJSONLD{Type: "GovernmentOrganization", Name: cmp.Or(p.Attribution, gov.Name)},
			Publisher:           gov,
			SpatialCoverage:     "Scotland",
			InLanguage:          "en-GB",
			SubjectOf:           site + paths.Data,
			Distribution: []distributionJSON{
				{Type: "DataDownload", Name: "Commitments (CSV)", EncodingFormat: "text/csv", ContentURL: site + paths.CommitmentsCSV(p)},
				{Type: "DataDownload", Name: "Commitments (JSON)", EncodingFormat: "application/json", ContentURL: site + paths.Commitments(p) + ".json"},
				{Type: "DataDownload", Name: "Published updates (CSV)", EncodingFormat: "text/csv", ContentURL: site + paths.UpdatesCSV(p)},
				{Type: "DataDownload", Name: "Published updates (JSON)", EncodingFormat: "application/json", ContentURL: site + paths.Updates(p) + ".json"},
				{Type: "DataDownload", Name: "Published updates (Atom feed)", EncodingFormat: "application/atom+xml", ContentURL: site + paths.Feed(p)},
				{Type: "DataDownload", Name: "Frictionless Data Package", EncodingFormat: "application/vnd.datapackage+json",
					ContentURL: site + paths.DataPackage(p), Description: "A Table Schema of each CSV file: types, keys, licence and sources."},
			},
		}
		if p.PublishedOn != nil {
			d.DatePublished = p.PublishedOn.Format("2006-01-02")
		}
		c.Dataset = append(c.Dataset, d)
	}
	return c
}
