package main

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/password"
)

func TestHashConcurrency(t *testing.T) {
	tests := []struct {
		value   string
		want    int
		wantErr bool
	}{
		{"", password.DefaultConcurrency(password.Default), false},
		{"1", 1, false},
		{"8", 8, false},
		{"0", 0, true},
		{"-2", 0, true},
		{"lots", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "HASH_CONCURRENCY": tt.value}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "HASH_CONCURRENCY") {
				t.Errorf("HASH_CONCURRENCY=%q: err = %v, want one naming it", tt.value, err)
			}
			continue
		}
		if err != nil || c.HashConcurrency != tt.want {
			t.Errorf("HASH_CONCURRENCY=%q: %v, %v; want %v", tt.value, c.HashConcurrency, err, tt.want)
		}
	}
}
