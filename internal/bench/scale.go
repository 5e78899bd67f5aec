package bench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// scaleOps are the measured commands, in the order they run on one working directory.
var scaleOps = []string{"apply", "plan", "destroy"}

// opArgs are the CLI arguments of a measured command.
func (b *bencher) opArgs(op string) []string {
	args := []string{op, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", b.opts.Parallelism)}
	if op != "plan" {
		args = append(args, "-auto-approve")
	}
	return args
}

// scaleConfigs are the configurations measured at each size: the CLI alone, the do-nothing
// provider (a minimal resource, and the twin of bifrost_secret's schema) and the Bifrost
// provider, each N resources with a name and a value.
func (b *bencher) scaleConfigs(n int) map[string]string {
	name := fmt.Sprintf(`format("s%d-%%05d", count.index)`, n)
	return map[string]string{
		"baseline": fmt.Sprintf(`
resource "terraform_data" "e" {
  count = %d
  input = { name = %s, value = "value-of-${count.index}" }
}
`, n, name),
		"protocol": fmt.Sprintf(`
terraform {
  required_providers {
    benchnull = { source = "registry.terraform.io/bifrost-platform/benchnull" }
  }
}

resource "benchnull_thing" "e" {
  count = %d
  name  = %s
  value = "value-of-${count.index}"
}
`, n, name),
		"twin": fmt.Sprintf(`
terraform {
  required_providers {
    benchnull = { source = "registry.terraform.io/bifrost-platform/benchnull" }
  }
}

resource "benchnull_secret" "e" {
  count           = %d
  organization_id = %q
  name            = %s
  value           = "value-of-${count.index}"
}
`, n, testOrg, name),
		"provider": b.providerBlock() + fmt.Sprintf(`
resource "bifrost_secret" "e" {
  count           = %d
  organization_id = %q
  name            = %s
  value           = "value-of-${count.index}"
}
`, n, testOrg, name),
	}
}

// scale measures apply, plan and destroy of n resources for each subject, and the floor of the
// provider's commands.
func (b *bencher) scale(ctx context.Context, n int, floor *azsecrets.Client) ([]ScaleRow, error) {
	rows := make([]ScaleRow, len(scaleOps))
	for i, op := range scaleOps {
		rows[i] = ScaleRow{N: n, Op: op}
	}
	configs := b.scaleConfigs(n)
	for _, subject := range []string{"baseline", "protocol", "twin", "provider"} {
		w, err := b.newWorkdir(fmt.Sprintf("scale-%d-%s", n, subject), configs[subject])
		if err != nil {
			return nil, err
		}
		for i, op := range scaleOps {
			r, err := w.run(ctx, b.opArgs(op)...)
			if err != nil {
				return nil, err
			}
			row := &rows[i]
			switch subject {
			case "baseline":
				row.CLIBaseline = round(r.Wall.Seconds(), 2)
			case "protocol":
				row.Protocol, row.ProtocolCPU, row.ProtocolPeakRSSMB = round(r.Wall.Seconds(), 2), round(r.ProviderCPU, 2), round(r.PeakRSSMB, 1)
			case "twin":
				row.SchemaTwin, row.SchemaTwinCPU, row.SchemaTwinPeakRSSMB = round(r.Wall.Seconds(), 2), round(r.ProviderCPU, 2), round(r.PeakRSSMB, 1)
				row.SchemaTwinCPUMSPerResource = round(r.ProviderCPU*1000/float64(n), 2)
			case "provider":
				row.Prov, row.ProviderCPU, row.PeakRSSMB = round(r.Wall.Seconds(), 2), round(r.ProviderCPU, 2), round(r.PeakRSSMB, 1)
				row.ProviderCPUMSPerResource = round(r.ProviderCPU*1000/float64(n), 2)
				row.ProviderProcesses = r.ProviderRuns
				log := auditWindow(b.em, r.Start, r.End)
				row.Requests = len(log)
				d, err := replay(ctx, floor, log)
				if err != nil {
					return nil, err
				}
				row.Floor = round(d.Seconds(), 2)
			}
			b.logf("N=%d %-7s %-8s %6.2f s", n, op, subject, r.Wall.Seconds())
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.Floor > 0 {
			r.ProviderShare = round((r.Prov-r.CLIBaseline)/r.Floor, 2)
			r.ProviderShareOverProtocol = round((r.Prov-r.Protocol)/r.Floor, 2)
			r.ProviderShareOverSchemaTwin = round((r.Prov-r.SchemaTwin)/r.Floor, 2)
		}
	}
	return rows, nil
}

// PrintTable writes the results as a table.
func PrintTable(w io.Writer, r *Results) {
	var clis []string
	for _, name := range sortedKeys(r.CLI) {
		clis = append(clis, r.CLI[name])
	}
	fmt.Fprintf(w, "\n%s, %d CPUs, %s; %s; latency %.0f ms, -parallelism=%d\n\n",
		r.Machine.Model, r.Machine.NProc, r.Machine.GoVersion, strings.Join(clis, ", "), r.Settings.LatencyMS, r.Settings.Parallelism)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\top\tprovider s\tterraform_data s\tdo-nothing s\ttwin s\tfloor s\tshare\tover do-nothing\tover twin\tprovider CPU s\tCPU ms/res\ttwin CPU ms/res\tRSS MB\tdo-nothing CPU s\tdo-nothing RSS MB\trequests\t")
	for _, s := range r.Scale {
		fmt.Fprintf(tw, "%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.2f\t%.1f\t%d\t\n",
			s.N, s.Op, s.Prov, s.CLIBaseline, s.Protocol, s.SchemaTwin, s.Floor, s.ProviderShare, s.ProviderShareOverProtocol, s.ProviderShareOverSchemaTwin,
			s.ProviderCPU, s.ProviderCPUMSPerResource, s.SchemaTwinCPUMSPerResource, s.PeakRSSMB, s.ProtocolCPU, s.ProtocolPeakRSSMB, s.Requests)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\npeak RSS of the provider over the run: %.1f MB\n\nKey Vault requests per resource (apply phase of a saved plan; refresh = a plan without changes):\n\n", r.PeakRSSMB)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "resource\tcreate\trefresh\tupdate\trotate\timport\tdestroy\t")
	for _, typ := range sortedKeys(r.RequestsPerOp) {
		ops := r.RequestsPerOp[typ]
		fmt.Fprintf(tw, "%s", typ)
		for _, op := range []string{"create", "refresh", "update", "rotate", "import", "destroy"} {
			if v, ok := ops[op]; ok {
				fmt.Fprintf(tw, "\t%g", v)
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		fmt.Fprintln(tw, "\t")
	}
	_ = tw.Flush()
}
