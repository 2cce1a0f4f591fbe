// Package osi is netlab's shared vocabulary for the OSI reference model
// (ISO/IEC 7498-1): the seven layers, sets of layers, and annotations that
// label a byte range with the layer it belongs to.
//
// Every other package says which layers it shows, in its own doc comment and
// as data in this package's catalogue ([Packages]); a test keeps the two in
// step. Lessons declare their layers in their registry entry. `netlab osi`
// prints from those declarations, never from a second list.
//
// OSI layer: 1-7 (the model itself)
package osi
