package server

import (
	"net/http"

	"github.com/scottish-government/delivery-tracker/web"
)

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.store.Users(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	l := s.layout(r)
	l.Title = "Users"
	s.render(w, r, http.StatusOK, web.UsersPage(l, web.UsersView{Users: us}))
}
