package server

// Importing a plan's commitments from a spreadsheet (CSV or .xlsx), and exporting them in the
// same columns. An
// upload is only previewed; nothing is written until staff confirm, and then all at once. The
// confirm form carries the file back (base64, so that no line break is altered) with a fingerprint
// of the plan the preview was made against: if the plan changed in between, staff get a new
// preview instead of an import.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/paths"
	"github.com/scottish-government/delivery-tracker/internal/plancsv"
	"github.com/scottish-government/delivery-tracker/internal/postgres"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// importCrumbs are the breadcrumbs of the import pages.
func importCrumbs(plan tracker.Plan) []web.Breadcrumb {
	return []web.Breadcrumb{plansCrumb(), planCrumb(plan), {Text: "Import commitments"}}
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, web.ImportPage(s.adminLayout(r, importCrumbs(plan)...), web.ImportView{Plan: plan}))
}

// previewImport reads an uploaded file and shows what importing it would do.
func (s *Server) previewImport(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	l := s.adminLayout(r, importCrumbs(plan)...)
	v := web.ImportView{Plan: plan}
	var data []byte
	var size int64
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0 {
		fh := r.MultipartForm.File["file"][0]
		v.FileName = cleanFileName(fh.Filename)
		size = fh.Size
		if size <= tracker.MaxImportBytes {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			data, err = io.ReadAll(io.LimitReader(f, tracker.MaxImportBytes+1))
			f.Close()
			if err != nil {
				return err
			}
			size = int64(len(data))
		}
	}
	if problems := tracker.CheckImportFile(size); problems != nil {
		v.Errors = fieldErrors(problems)
		return s.page(w, r, http.StatusUnprocessableEntity, web.ImportPage(l, v))
	}
	status, err := s.preview(r, plan, data, &v)
	if err != nil {
		return err
	}
	return s.page(w, r, status, web.ImportPage(l, v))
}

// preview compares the file with the plan as it is now and fills in the view: the problems by
// row and column (422), or what importing would do (200).
func (s *Server) preview(r *http.Request, plan tracker.Plan, data []byte, v *web.ImportView) (int, error) {
	target, fingerprint, err := s.store.ImportPlan(r.Context(), plan.ID)
	if err != nil {
		return 0, err
	}
	p, problems := plancsv.Check(bytes.NewReader(data), target)
	v.Preview = &p
	if len(problems) > 0 {
		v.Problems, v.Preview = problems, nil
		return http.StatusUnprocessableEntity, nil
	}
	v.Data = base64.StdEncoding.EncodeToString(data)
	v.Fingerprint = fingerprint
	return http.StatusOK, nil
}

// applyImport imports a previewed file, if the plan is as it was when the preview was made.
func (s *Server) applyImport(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.adminPlan(r)
	if err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(r.PostFormValue("data"))
	if err != nil || len(data) == 0 || len(data) > tracker.MaxImportBytes {
		s.badRequest(w, r, tracker.MsgBadImportData)
		return nil
	}
	l := s.adminLayout(r, importCrumbs(plan)...)
	v := web.ImportView{Plan: plan, FileName: cleanFileName(r.PostFormValue("file_name"))}
	status, err := s.preview(r, plan, data, &v)
	if err != nil {
		return err
	}
	if status != http.StatusOK || v.Fingerprint != r.PostFormValue("fingerprint") {
		// The plan changed since the preview: show the new one.
		v.Changed = true
		if status == http.StatusOK {
			status = http.StatusConflict
		}
		return s.page(w, r, status, web.ImportPage(l, v))
	}
	err = s.store.ImportCommitments(r.Context(), s.actor(r), plan.ID, *v.Preview, v.Fingerprint)
	switch {
	case err == nil:
		return s.seeOther(w, r, paths.AdminPlan(plan.Slug)+"#commitments", fmt.Sprintf("Imported %s: %s added, %s changed.", v.FileName,
			plural(len(v.Preview.Create), "commitment", "commitments"), plural(len(v.Preview.Change), "commitment", "commitments")))
	case !isConflict(err):
		return err
	}
	v = web.ImportView{Plan: plan, FileName: v.FileName, Changed: true}
	if status, err = s.preview(r, plan, data, &v); err != nil {
		return err
	}
	if status == http.StatusOK {
		status = http.StatusConflict
	}
	return s.page(w, r, status, web.ImportPage(l, v))
}

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportCommitments sends a plan's commitments in the import format, as CSV (with a byte order
// mark) or, with xlsx, as an Excel workbook.
func (s *Server) exportCommitments(xlsx bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		plan, err := s.adminPlan(r)
		if err != nil {
			return err
		}
		cs, err := s.store.Commitments(r.Context(), postgres.CommitmentFilter{PlanID: plan.ID})
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		name, contentType, write := "commitments.csv", "text/csv; charset=utf-8", plancsv.Write
		if xlsx {
			name, contentType, write = "commitments.xlsx", xlsxType, plancsv.WriteXLSX
		}
		if err := write(&buf, cs); err != nil {
			return err
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+plan.Slug+`-`+name+`"`)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(buf.Bytes())
		return nil
	}
}

// cleanFileName keeps the last part of a file name a browser sent, for showing.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || !utf8.ValidString(name) {
		return "the file"
	}
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return name
}
