import Foundation
enum X { static let a = PackageResources.charter_md.count }
