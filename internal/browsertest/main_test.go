package browsertest_test

import (
	"os"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/browsertest"
)

func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
