import Foundation
import HeraldCore

exit(HeraldCommandLine.run(Array(CommandLine.arguments.dropFirst())).rawValue)
